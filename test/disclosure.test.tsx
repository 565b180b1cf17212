// What a purpose discloses, and how config text is shown: as text, never as HTML; links only to safe places.
import { h, render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { createConsent, type ConsentConfig, type Purpose } from '../src/index.js';
import { createController } from '../widgets/controller.js';
import { Disclosure, Link, countryName } from '../widgets/disclosure.js';
import { en, zhCN } from '../widgets/texts.js';
import { mounted } from './dialogs.js';
import { config, purposes } from './fixtures.js';

const draw = (node: h.JSX.Element) => {
  const box = document.createElement('div');
  render(node, box);
  return box;
};

describe('links (security)', () => {
  it.each(['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', '//evil.example/x', '/\\evil.example', 'vbscript:x', ' javascript:x'])(
    'renders %s as plain text, not a link',
    (url) => {
      const box = draw(<Link url={url} text="policy" />);
      expect(box.querySelector('a')).toBeNull();
      expect(box.textContent).toBe('policy');
    },
  );

  it.each([
    ['https://lantern.example/privacy', '_blank'],
    ['mailto:privacy@lantern.example', '_blank'],
    ['/privacy', null],
  ])('links %s (same-origin paths in the same tab)', (url, target) => {
    const a = draw(<Link url={url} text="policy" />).querySelector('a')!;
    expect(a.getAttribute('href')).toBe(url);
    expect(a.getAttribute('target')).toBe(target);
    expect(a.rel).toBe('noopener noreferrer');
  });
});

describe('config text is text (never HTML)', () => {
  it('shows markup and script in titles, descriptions and names as the characters written', async () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script><b>bold</b>';
    const withMarkup: ConsentConfig = {
      ...config(),
      controller: { name: hostile, contact: 'privacy@lantern.example' },
      purposes: purposes.map((p) => (p.id == 'analytics' ? { ...p, title: hostile, description: 'javascript:alert(1) ' + hostile, recipients: [{ name: hostile, url: 'https://stats.example' }] } : p)),
    };
    const { root, consent } = await mounted(withMarkup);
    consent.showPreferences();
    expect(root.querySelector('img, script, b')).toBeNull();
    expect(root.textContent).toContain(hostile);
    expect(root.textContent).toContain('javascript:alert(1)');
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });

  it('does not render a link whose URL turned unsafe after validation', async () => {
    const policy = { version: '2026-11', url: '/privacy' };
    const { consent, root } = await mounted({ policy });
    policy.url = 'javascript:alert(1)';
    consent.showPreferences();
    expect([...root.querySelectorAll('a')].map((a) => a.getAttribute('href'))).not.toContain('javascript:alert(1)');
    expect(root.textContent).toContain('Privacy policy');
  });
});

describe('Disclosure', () => {
  it('names the recipient country in the language shown, and marks a transfer abroad only when the controller says where it is', () => {
    expect(countryName('de', 'zh-CN')).toBe('德国');
    expect(countryName('not a code', 'en')).toBe('not a code');
    const consent = createConsent(config());
    const c = createController(consent, 'en', () => undefined);
    const box = draw(<Disclosure consent={consent} t={en} locale="en" c={c} purpose={purposes[1]} id="d" />);
    expect(box.textContent).toContain('Stats Co · Germany');
    expect(box.textContent).not.toContain('cross-border');
    // Abroad, in both languages: a country name that needs an article ("the United States") reads right, and the
    // Chinese line has no ASCII punctuation around it.
    const home = createConsent(config({ controller: { name: 'Lantern', contact: 'privacy@lantern.example', country: 'SG' } }));
    const us = { ...purposes[1], recipients: [{ name: 'Tracky Inc.', country: 'US' }] };
    const enBox = draw(<Disclosure consent={home} t={en} locale="en" c={c} purpose={us} id="d" />);
    expect(enBox.querySelector('li')!.textContent).toBe('Tracky Inc. · cross-border transfer: United States');
    const zhBox = draw(<Disclosure consent={home} t={zhCN} locale="zh-CN" c={c} purpose={us} id="d" />);
    expect(zhBox.querySelector('li')!.textContent).toBe('Tracky Inc. · 跨境传输：美国');
  });

  it('names recipients’ countries with one namer per language however often it draws, not one per recipient per draw', () => {
    const made = vi.spyOn(Intl, 'DisplayNames');
    try {
      const consent = createConsent(config());
      const c = createController(consent, 'en', () => undefined);
      const many = Array.from({ length: 20 }, (_, i) => ({ ...purposes[1], id: `p-${i}`, recipients: [{ name: 'Stats Co', country: 'DE' }, { name: 'Lumen', country: 'CN' }] }));
      const shown = [];
      // Drawn twice in each language, as the preferences are on each switch flipped.
      for (const [t, locale] of [[en, 'en'], [zhCN, 'zh-CN'], [en, 'en'], [zhCN, 'zh-CN']] as const) {
        for (const p of many) shown.push(draw(<Disclosure consent={consent} t={t} locale={locale} c={c} purpose={p} id="d" />).querySelector('ul')!.textContent);
      }
      const perLocale = new Map<unknown, number>();
      for (const [locales] of made.mock.calls) perLocale.set(String(locales), (perLocale.get(String(locales)) ?? 0) + 1);
      expect(Math.max(0, ...perLocale.values())).toBeLessThanOrEqual(1);
      expect(new Set(shown)).toEqual(new Set(['Stats Co · GermanyLumen · China', 'Stats Co · 德国Lumen · 中国']));
    } finally {
      made.mockRestore();
    }
  });

  it('names a country by its code where the browser has no Intl.DisplayNames, or refuses the language, and by name once it can', () => {
    const made = vi.spyOn(Intl, 'DisplayNames').mockImplementation(() => {
      throw new RangeError('Incorrect locale information provided');
    });
    try {
      expect(countryName('de', 'fr')).toBe('de');
      vi.stubGlobal('Intl', { ...Intl, DisplayNames: undefined });
      expect(countryName('de', 'es')).toBe('de');
    } finally {
      vi.unstubAllGlobals();
      made.mockRestore();
    }
    expect([countryName('de', 'fr'), countryName('de', 'es')]).toEqual(['Allemagne', 'Alemania']);
  });

  it('gives a recipient’s contact, as a mail link for an email (PIPL Arts. 23, 39; SEP-05, SEP-06)', () => {
    const consent = createConsent(config());
    const c = createController(consent, 'en', () => undefined);
    const bureau = { ...purposes[1], recipients: [{ name: 'Lumen Credit Bureau', country: 'CN', contact: 'dpo@lumen.example' }] };
    const box = draw(<Disclosure consent={consent} t={en} locale="en" c={c} purpose={bureau} id="d" />);
    expect(box.textContent).toContain('Lumen Credit Bureau · China · Contact: dpo@lumen.example');
    expect(box.querySelector('a[href="mailto:dpo@lumen.example"]')).not.toBeNull();
  });

  it('shows what a necessary purpose gives of its data, recipients and retention, and nothing it leaves out (INF-02)', () => {
    const consent = createConsent(config());
    const c = createController(consent, 'en', () => undefined);
    const show = (purpose: (typeof purposes)[number] | Purpose) => draw(<Disclosure consent={consent} t={en} locale="en" c={c} purpose={purpose} id="d" />);
    expect(show(purposes[0]).querySelector('dl')).toBeNull();
    const box = show({ ...purposes[0], recipients: [{ name: 'Tracky Analytics Inc.', country: 'US' }], retention: 'session' });
    expect([...box.querySelectorAll('dt')].map((dt) => dt.textContent)).toEqual(['Shared with', 'Kept for']);
    expect(box.textContent).toContain('Tracky Analytics Inc. · United States');
    expect(box.textContent).toContain('session');
  });

  it('marks a text shown in another language than the dialog’s with its own lang, the words as hashed (WCAG 3.1.2)', () => {
    // A site in English (config.locale) shown in Chinese: its texts without a zh-CN version are read as English.
    const consent = createConsent(config({ locale: 'en' }));
    const c = createController(consent, 'zh-CN', () => undefined);
    const purpose = {
      ...purposes[1],
      description: { en: 'Answers your questions in a chat window.' },
      data: [{ en: 'messages', 'zh-CN': '消息' }, { en: 'browser' }],
      recipients: [{ name: { en: 'Live chat' }, country: 'US' }],
      retention: '30 days',
    };
    const show = (p: Purpose) => draw(<Disclosure consent={consent} t={zhCN} locale="zh-CN" c={c} purpose={p} id="d" />);
    const box = show(purpose);
    const marked = (root: Element) => [...root.querySelectorAll('[lang]')].map((el) => [el.getAttribute('lang'), el.textContent]);
    expect(marked(box)).toEqual([
      ['en', 'Answers your questions in a chat window.'],
      ['en', 'browser'],
      ['en', 'Live chat'],
      // A plain string is in the language the site declared.
      ['en', '30 days'],
    ]);
    // The words shown are the ones the core hashes (disclosureText), in the same order.
    expect([...box.querySelectorAll('p, dd')].map((el) => el.textContent)).toEqual(['Answers your questions in a chat window.', '消息、browser', 'Live chat · 美国', '30 days']);
    // The controller's name in a template is marked too: "no one else: only Daily Lantern Ltd.".
    const alone = show({ ...purpose, recipients: [] });
    expect(alone.querySelectorAll('dd')[1]!.textContent).toBe('不提供给他人：仅限Daily Lantern Ltd.');
    expect(marked(alone.querySelectorAll('dd')[1]!)).toEqual([['en', 'Daily Lantern Ltd.']]);
    // Shown in its own language, nothing is marked: the dialog's lang says it.
    const english = draw(<Disclosure consent={consent} t={en} locale="en" c={c} purpose={purpose} id="d" />);
    expect(english.querySelector('[lang]')).toBeNull();
  });
});

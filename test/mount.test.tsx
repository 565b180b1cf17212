// mountDialogs: a shadow root of its own, styles without inline <style> or style="", both locales, clean unmount.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsentConfigError, createConsent } from '../src/index.js';
import { mountDialogs } from '../widgets/index.js';
import { within } from '@testing-library/preact';
import { sha256 } from '../src/hash.js';
import { mounted, unmountAll } from './dialogs.js';
import { config, freshName, purposes, receiptsOf, settle } from './fixtures.js';

/** Every layer drawn at once is not possible (one modal at a time), so: banner, then preferences, then prompt. */
async function everyLayer(dialogs: Awaited<ReturnType<typeof mounted>>) {
  const texts = [dialogs.root.textContent];
  dialogs.consent.showPreferences();
  texts.push(dialogs.root.textContent);
  dialogs.root.querySelector<HTMLButtonElement>('dialog [data-action=reject]')!.click();
  // "Choices saved", said by the page's status region once the preferences closed.
  await settle(200);
  texts.push(dialogs.root.textContent);
  void dialogs.consent.require('credit-scoring', { ask: true }).catch(() => undefined);
  await settle(0);
  texts.push(dialogs.root.textContent);
  return texts.join('\n');
}

/** happy-dom lays nothing out and never calls a ResizeObserver: this stand-in reports once, at once. */
function reportingResizeObserver() {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      constructor(private readonly report: () => void) {}
      observe() {
        this.report();
      }
      disconnect() {}
    },
  );
}

describe('mountDialogs', () => {
  it('renders into an open shadow root on an <optin-consent> host, styled by an adopted stylesheet only (CSP)', async () => {
    const { host, root } = await mounted();
    expect(host.parentElement).toBe(document.body);
    expect(host.shadowRoot!.adoptedStyleSheets).toHaveLength(1);
    expect(root.querySelector('style, [style]')).toBeNull();
    expect(document.querySelector('style, [style]')).toBeNull();
  });

  it('unmounts completely: host removed, the core unplugged (require waits headless again)', async () => {
    const consent = createConsent(config());
    const unmount = mountDialogs(consent);
    await consent.ready;
    unmount();
    expect(document.querySelector('optin-consent')).toBeNull();
    const waiting = consent.require('credit-scoring', { timeoutMs: 10 });
    await expect(waiting).rejects.toMatchObject({ code: 'timeout' });
  });

  it('unmounted while a require() prompt is open, or the banner answers for it, the call rejects with code unmounted: not as the person closing it', async () => {
    const consent = createConsent(config());
    const unmount = mountDialogs(consent);
    await consent.ready;
    const prompted = consent.require('credit-scoring', { ask: true });
    const banner = consent.require('analytics'); // covered by the open banner, which answers it
    const errors: unknown[] = [];
    consent.on('error', (e) => errors.push(e));
    await settle(0);
    expect(document.querySelector('optin-consent')!.shadowRoot!.querySelector('dialog[open]')?.textContent).toContain('Allow Credit scoring?');
    unmount();
    for (const call of [prompted, banner]) {
      const error = await call.then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'ConsentError', code: 'unmounted' });
      expect(error).not.toHaveProperty('dismissed');
      expect(String((error as Error).message)).toMatch(/mount/);
    }
    expect([consent.state('credit-scoring'), consent.state('analytics'), errors]).toEqual(['undecided', 'undecided', []]);
  });

  describe('called before <body> exists (a script in <head>, neither deferred nor a module)', () => {
    let body: HTMLElement;
    // A failing test must not leave the next ones without a <body>.
    afterEach(() => void (document.body || document.documentElement.append(body)));
    const withoutBody = () => {
      body = document.body;
      body.remove();
      return () => {
        document.documentElement.append(body);
        document.dispatchEvent(new Event('DOMContentLoaded'));
      };
    };

    it('throws nothing, and the dialogs work at once: the banner, a require() prompt, the preferences', async () => {
      const consent = createConsent(config());
      const bodyArrives = withoutBody();
      const unmount = mountDialogs(consent);
      // "Check my score", wired up by the same script before the page is parsed.
      const answer = consent.require('credit-scoring', { ask: true });
      answer.catch(() => undefined);
      await consent.ready;
      await settle(0);
      const root = document.querySelector('optin-consent')!.shadowRoot!;
      expect(root.querySelector('dialog')?.textContent).toContain('Allow Credit scoring?');
      root.querySelector<HTMLButtonElement>('dialog [data-action=allow]')!.click();
      await expect(answer).resolves.toBeUndefined();
      bodyArrives();
      consent.showPreferences();
      expect(root.querySelector('dialog')?.textContent).toContain('Privacy settings');
      unmount();
      expect(document.querySelector('optin-consent')).toBeNull();
    });

    it('unmounted before <body> came, it leaves nothing behind', async () => {
      const consent = createConsent(config());
      const bodyArrives = withoutBody();
      mountDialogs(consent)();
      bodyArrives();
      await consent.ready;
      await settle(0);
      expect(document.querySelector('optin-consent')).toBeNull();
    });
  });

  it('unmounted before the stored decisions are read (StrictMode, a route change), it draws nothing afterwards', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ analytics: true });
    const consent = createConsent(config({ storageName }));
    const showModal = vi.spyOn(HTMLDialogElement.prototype, 'showModal');
    const unmount = mountDialogs(consent);
    const host = document.querySelector('optin-consent')!;
    consent.showPreferences();
    unmount();
    await consent.ready;
    await settle(50);
    expect(showModal).not.toHaveBeenCalled();
    expect(host.shadowRoot!.innerHTML).toBe('');
    expect(document.documentElement.style.scrollPaddingBottom).toBe('');
  });

  it('asks for a require() made before it was mounted (an app that mounts the dialogs in a component effect), or while unmounted', async () => {
    const consent = createConsent(config());
    // The app's start-up code asks before its root component's effect has mounted the dialogs.
    const answer = consent.require('credit-scoring');
    answer.catch(() => undefined);
    await consent.ready;
    await settle(0);
    let unmount = mountDialogs(consent);
    await settle(0);
    const prompt = () => document.querySelector('optin-consent')?.shadowRoot?.querySelector('dialog[open]');
    // Before: the banner only (it does not cover a sensitive purpose), and the call waited for ever.
    expect(prompt()?.textContent).toContain('Allow Credit scoring');
    (prompt()!.querySelector('[data-action=deny]') as HTMLButtonElement).click();
    await expect(answer).rejects.toMatchObject({ code: 'denied' });
    // A route that unmounts and mounts the dialogs again: a call made in between is asked once they are back.
    unmount();
    const again = consent.require('credit-scoring', { ask: true });
    await settle(0);
    unmount = mountDialogs(consent);
    await settle(0);
    (prompt()!.querySelector('[data-action=allow]') as HTMLButtonElement).click();
    await expect(again).resolves.toBeUndefined();
    unmount();
  });

  it('a require() made before it was mounted, while the stored decisions are still read, waits for the banner that covers it: no prompt over it', async () => {
    const cfg = config();
    const earlier = createConsent(cfg);
    await earlier.decide({ 'credit-scoring': false }); // a returning visitor, analytics and marketing undecided
    const consent = createConsent(cfg);
    const answer = consent.require('analytics');
    answer.catch(() => undefined);
    const unmount = mountDialogs(consent); // at once, before ready
    try {
      await consent.ready;
      await settle();
      const open = [...document.querySelector('optin-consent')!.shadowRoot!.querySelectorAll('[role=dialog], dialog[open]')];
      // Before: the prompt "Allow Analytics?" opened as well, over the banner that already asks for it.
      expect(open.map((layer) => layer.querySelector('h2')?.textContent)).toEqual(['Your privacy choices']);
      (open[0]!.querySelector('[data-action=reject]') as HTMLButtonElement).click();
      await expect(answer).rejects.toMatchObject({ code: 'denied' });
    } finally {
      unmount();
    }
  });

  it('a require() made before it was mounted, while the stored decisions are still read, rejects with code unmounted when the dialogs go while asking: no unhandled rejection, no call left waiting', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const cfg = config();
      await createConsent(cfg).decide({ 'credit-scoring': false }); // a returning visitor, analytics undecided
      const consent = createConsent(cfg);
      // The app's start-up code asks, then mounts the dialogs at once: the banner asks for analytics, a prompt for
      // credit scoring.
      const calls = [consent.require('analytics'), consent.require('credit-scoring', { ask: true })];
      const unmount = mountDialogs(consent);
      await consent.ready;
      await settle();
      expect(document.querySelector('optin-consent')!.shadowRoot!.querySelector('dialog[open]')?.textContent).toContain('Allow Credit scoring?');
      unmount(); // a route change
      const outcomes: unknown[] = ['waiting', 'waiting'];
      calls.forEach((call, i) => void call.then(() => (outcomes[i] = 'granted'), (e: unknown) => (outcomes[i] = (e as { code?: string }).code)));
      await settle();
      // Before: both waited for ever, and their two rejections reached the page as unhandled ones.
      expect([outcomes, unhandled]).toEqual([['unmounted', 'unmounted'], []]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('gives the page room for the open banner and then the floating button: scroll padding always, the spacer only at the end of <body>', async () => {
    reportingResizeObserver();
    try {
      const page = document.documentElement.style;
      page.scrollPaddingBottom = '3px'; // the page's own value, given back afterwards
      const atEnd = await mounted();
      expect(page.scrollPaddingBottom).toBe('16px');
      expect(atEnd.root.querySelector<HTMLElement>('.room')!.style.height).toBe('16px');
      atEnd.get('button', 'Reject all').click();
      // "Privacy settings" now sits where the banner was: a focused link must not hide behind it either.
      expect(atEnd.root.querySelector('.fab')).not.toBeNull();
      expect([page.scrollPaddingBottom, atEnd.root.querySelector<HTMLElement>('.room')!.style.height]).toEqual(['16px', '16px']);
      unmountAll();
      expect(page.scrollPaddingBottom).toBe('3px');
      const noButton = await mounted({}, { floatingButton: false });
      noButton.get('button', 'Reject all').click();
      expect([page.scrollPaddingBottom, noButton.root.querySelector('.room')]).toEqual(['3px', null]);
      document.body.innerHTML = '<header id="top"></header><main>text</main>';
      const inHeader = await mounted({}, { container: document.getElementById('top')! });
      expect(page.scrollPaddingBottom).toBe('16px');
      expect(inHeader.root.querySelector<HTMLElement>('.room')!.style.height).toBe('');
      page.scrollPaddingBottom = '';
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it.each([
    ['a fixed chat bubble', 'position:fixed', '16px'],
    ['a script', 'display:none', '16px'],
    ["an app's root, in the flow", '', ''],
  ])('with %s appended after it before the banner shows, sizes the spacer only if nothing follows in the flow', async (_, css, height) => {
    reportingResizeObserver();
    try {
      // A returning visitor's banner comes after `ready`, when the page may have appended to <body> after the host.
      document.documentElement.style.scrollPaddingBottom = '';
      const cfg = config();
      localStorage.setItem('optin:' + cfg.storageName, '1');
      const consent = createConsent(cfg);
      const unmount = mountDialogs(consent);
      const after = document.createElement('div');
      after.style.cssText = css;
      document.body.append(after);
      await consent.ready;
      await settle(0);
      const root = document.querySelector('optin-consent')!.shadowRoot!;
      expect(root.querySelector('.banner')).not.toBeNull();
      expect(root.querySelector<HTMLElement>('.room')!.style.height).toBe(height);
      expect(document.documentElement.style.scrollPaddingBottom).toBe('16px');
      unmount();
      expect(document.documentElement.style.scrollPaddingBottom).toBe('');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('comes back when an app replaces the children of <body>: "Privacy settings" stays, and no dialog throws into the page', async () => {
    const dialogs = await mounted();
    dialogs.get('button', 'Reject all').click();
    const app = document.createElement('main');
    document.body.replaceChildren(app);
    await settle(0);
    expect(dialogs.host.isConnected).toBe(true);
    expect(dialogs.get('button', 'Privacy settings')).toBeTruthy();
    expect(() => dialogs.consent.showPreferences()).not.toThrow();
    expect(dialogs.get('dialog', 'Privacy settings')).toBeTruthy();
  });

  it('refuses texts it would show wrongly before it draws anything: a yes button that no longer names its purpose', () => {
    const consent = createConsent(config({ storageName: freshName(), texts: { en: { allow: 'Allow' } } }));
    expect(() => mountDialogs(consent)).toThrow(/texts\.en\.allow: must have the placeholders of the built-in text: \{purpose\}/);
    expect(document.querySelector('optin-consent')).toBeNull();
  });

  it('draws nothing without a document (rendered on a server), and still refuses bad texts there', () => {
    vi.stubGlobal('document', undefined);
    try {
      expect(mountDialogs(createConsent(config({ storageName: freshName() })))()).toBeUndefined();
      expect(() => mountDialogs(createConsent(config({ storageName: freshName(), texts: { en: { allow: 'Allow' } } })))).toThrow(ConsentConfigError);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('leaves the floating button out when asked to', async () => {
    const { query, get } = await mounted({}, { floatingButton: false });
    get('button', 'Reject all').click();
    expect(query('button', 'Privacy settings')).toBeNull();
  });

  it('shows zh-CN with no English left but the site’s own names, and records the locale shown', async () => {
    document.documentElement.lang = 'zh-CN';
    try {
      const zh = purposes.map((p) => ({ ...p, title: { en: 'x', 'zh-CN': `用途${p.id.length}` }, description: { en: 'x', 'zh-CN': '说明。' }, ...('necessary' in p ? {} : { data: [{ en: 'x', 'zh-CN': '数据' }], retention: { en: 'x', 'zh-CN': '一年' } }), recipients: [] }));
      const dialogs = await mounted({ controller: { name: '每日灯笼', contact: '/contact' }, purposes: zh });
      expect(dialogs.consent.locale).toBe('zh-CN');
      for (const layer of dialogs.all('dialog')) expect(layer.lang).toBe('zh-CN');
      const text = await everyLayer(dialogs);
      expect(text.replaceAll('/contact', '')).not.toMatch(/[A-Za-z]/);
      expect((await receiptsOf(dialogs.consent))[0]!.locale).toBe('zh-CN');
    } finally {
      document.documentElement.lang = '';
    }
  });

  it.each([
    ['en', 'Daily Lantern', 'Lantern Analytics Ltd', '/privacy'],
    ['zh-CN', '每日灯笼', '灯笼分析有限公司', '/zh/privacy'],
  ])('a bilingual site shows in %s its own name, its recipients’ names and its policy in that language, in every layer', async (locale, name, recipient, policy) => {
    const both = (en: string, zh: string) => ({ en, 'zh-CN': zh });
    const zh = purposes.map((p) => ({ ...p, title: both('Purpose', `用途${p.id.length}`), description: both('Why.', '说明。'), ...('necessary' in p ? {} : { data: [both('data', '数据')], retention: both('a year', '一年'), recipients: [{ name: both('Lantern Analytics Ltd', '灯笼分析有限公司') }] }) }));
    const dialogs = await mounted({ locale, controller: { name: both('Daily Lantern', '每日灯笼'), contact: '/contact' }, policy: { version: '1', url: both('/privacy', '/zh/privacy') }, purposes: zh });
    const text = await everyLayer(dialogs);
    expect(text).toContain(name);
    expect(text).not.toContain(locale == 'en' ? '每日灯笼' : 'Daily Lantern');
    if (locale == 'zh-CN') expect(text.replaceAll('/contact', '')).not.toMatch(/[A-Za-z]/);
    dialogs.consent.showPreferences();
    await settle(0);
    expect(dialogs.root.querySelector('dialog')!.textContent).toContain(recipient);
    const links = [...dialogs.root.querySelectorAll('a')].filter((a) => a.textContent == (locale == 'en' ? 'Privacy policy' : '隐私政策'));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link.getAttribute('href')).toBe(policy);
  });

  it.each([
    ['the site locale "zh"', { locale: 'zh' }, {}],
    ['the site locale "zh-cn" (tags ignore case)', { locale: 'zh-cn' }, {}],
    ['the mount option "zh-cn"', {}, { locale: 'zh-cn' }],
  ])('%s shows the built-in zh-CN, labelled as such', async (_, site, mount) => {
    const dialogs = await mounted({ ...site, purposes: purposes.map((p) => ({ ...p, title: '用途', description: '说明。' })) }, mount);
    const banner = dialogs.get('dialog', '您的隐私选择');
    expect(banner.lang).toBe('zh-CN');
    expect(banner.textContent).toContain('全部拒绝');
  });

  it('speaks English, labelled and recorded as such, for a language the site gave only a few strings of', async () => {
    document.documentElement.lang = 'fr';
    try {
      const dialogs = await mounted({ texts: { fr: { acceptAll: 'Tout accepter' } } });
      expect(dialogs.consent.locale).toBe('fr');
      const banner = dialogs.get('dialog', 'Your privacy choices');
      expect(banner.lang).toBe('en');
      dialogs.get('button', 'Reject all').click();
      expect((await receiptsOf(dialogs.consent))[0]!.locale).toBe('en');
    } finally {
      document.documentElement.lang = '';
    }
  });

  it('proves the wording shown: each decision keeps the SHA-256 of the text of the dialog it was made in, overridden texts included (REC-01)', async () => {
    const dialogs = await mounted();
    const banner = dialogs.get('dialog', 'Your privacy choices');
    const bannerHash = await sha256(banner.innerText);
    dialogs.get('button', 'Reject all').click();
    dialogs.consent.showPreferences();
    const preferences = dialogs.get('dialog', 'Privacy settings');
    dialogs.get('switch', 'Analytics').click();
    const preferencesHash = await sha256(preferences.innerText);
    within(preferences).getByRole('button', { name: 'Save choices' }).click();
    const [rejected, saved] = await receiptsOf(dialogs.consent, 2);
    expect(bannerHash).toMatch(/^[0-9a-f]{64}$/);
    expect([rejected!.method, rejected!.textHash, rejected!.action]).toEqual(['banner', bannerHash, 'reject-all']);
    expect([saved!.method, saved!.textHash, saved!.action]).toEqual(['preferences', preferencesHash, 'save']);
    expect(preferencesHash).not.toBe(bannerHash);
    // A site that rewrites the banner's statement changes the proof, though no purpose's disclosure changed.
    unmountAll();
    const rewritten = await mounted({ texts: { en: { bannerText: '{controller} uses your data for {purposes}.' } } });
    rewritten.get('button', 'Reject all').click();
    const [other] = await receiptsOf(rewritten.consent);
    expect(other!.hashes).toEqual(rejected!.hashes);
    expect(other!.textHash).not.toBe(rejected!.textHash);
  });

  it.each([
    ['en', /terms|conditions|polic(y|ies)|\bread\b|agree/i],
    ['zh-CN', /条款|协议|政策|阅读|服务/],
  ])('asks for consent apart from the terms and the policy in %s: no checkbox, and no control that decides names them (INF-06)', async (locale, terms) => {
    const dialogs = await mounted({ locale });
    const controls: string[] = [];
    // Every control of every layer, with the name it is announced by, collected as each layer is shown.
    const collect = () => {
      expect(dialogs.root.querySelectorAll('input, [role=checkbox], [role=radio]')).toHaveLength(0);
      for (const el of dialogs.root.querySelectorAll<HTMLElement>('button, a, [role=switch]')) {
        const labelledBy = el.getAttribute('aria-labelledby');
        const name = el.getAttribute('aria-label') || (labelledBy && dialogs.root.querySelector(`#${labelledBy}`)?.textContent) || el.textContent || '';
        controls.push(`${el.localName}${el.getAttribute('role') ? `[${el.getAttribute('role')}]` : ''} ${name.trim()}`);
      }
    };
    collect();
    dialogs.consent.showPreferences();
    await settle(0);
    collect();
    dialogs.root.querySelector<HTMLButtonElement>('dialog [data-action=reject]')!.click();
    void dialogs.consent.require('credit-scoring', { ask: true }).catch(() => undefined);
    await settle(0);
    collect();
    // The policy is one link to read, apart from the answers; no button or switch is also an "I accept the terms".
    const links = controls.filter((c) => c.startsWith('a ') && terms.test(c));
    expect(links.length).toBeGreaterThan(0);
    expect(controls.filter((c) => !c.startsWith('a ') && terms.test(c))).toEqual([]);
    // The answers were there to check: the three of the banner, the switches, the prompt's yes.
    expect(controls.filter((c) => c.startsWith('button')).length).toBeGreaterThan(8);
  });

  it('shows every string of the English table somewhere in its layers', async () => {
    const dialogs = await mounted({ controller: { name: 'Daily Lantern Ltd.', contact: 'privacy@lantern.example', country: 'SG' } });
    const text = await everyLayer(dialogs);
    for (const phrase of ['Your privacy choices', 'Accept all', 'Reject all', 'Customize', 'Privacy settings', 'Save choices', 'Always on', 'Data collected', 'Shared with', 'Kept for', 'cross-border transfer', 'Allow Credit scoring?', 'Don’t allow', 'Choices saved']) {
      expect(text).toContain(phrase);
    }
  });
});

describe('a site that swaps the whole <body> on navigation (Turbo, the default of Rails 7; pjax; barba.js)', () => {
  // "Privacy settings" must stay on the page, so a yes can be withdrawn from every page (WDR-02).
  it('comes back when the page replaces <body> itself, as Turbo does on each visit', async () => {
    const dialogs = await mounted();
    dialogs.get('button', 'Accept all').click();
    const next = document.createElement('body');
    next.append(document.createElement('main'));
    document.documentElement.replaceChild(next, document.body); // Turbo's swap of the rendered page
    await settle(0);
    expect(dialogs.host.isConnected).toBe(true);
    expect(dialogs.get('button', 'Privacy settings')).toBeTruthy();
    // And again on the next visit.
    const third = document.createElement('body');
    document.body.replaceWith(third);
    await settle(0);
    expect(dialogs.host.isConnected).toBe(true);
  });
});

describe('a browser without requestAnimationFrame (some embedded webviews)', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('a returning visitor: the banner shows and nothing reaches the page as an unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    const cfg = config();
    localStorage.setItem('optin:' + cfg.storageName, '1'); // stored decisions exist: the banner waits for them
    vi.stubGlobal('requestAnimationFrame', undefined);
    const consent = createConsent(cfg);
    const unmount = mountDialogs(consent);
    await consent.ready;
    await settle(20);
    expect(document.querySelector('optin-consent')!.shadowRoot!.querySelector('.banner')).not.toBeNull();
    unmount();
    expect(unhandled).toEqual([]);
  });

  it('a first visit: mountDialogs does not throw', () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    const consent = createConsent(config());
    expect(() => mountDialogs(consent)()).not.toThrow();
  });
});


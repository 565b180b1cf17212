// The first layer: who asks and for what, three equal answers, nothing granted by Enter, Escape or closing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mounted, press } from './dialogs.js';
import { zhCN } from '../widgets/texts.js';
import { ConsentDeniedError, createConsent } from '../src/index.js';
import { config, freshName, purposes, receiptsOf, settle } from './fixtures.js';

describe('banner (CHO-02, CHO-05, PRE-05)', () => {
  it('is a labelled, non-modal dialog in the language shown, naming the controller, the purposes and withdrawal (INF-03)', async () => {
    const { get } = await mounted();
    const banner = get('dialog', 'Your privacy choices');
    expect(banner.getAttribute('aria-modal')).toBeNull();
    expect(banner.lang).toBe('en');
    expect(banner.textContent).toContain('Daily Lantern Ltd. asks for your consent');
    expect(banner.textContent).toContain('Analytics, Advertising');
    expect(banner.textContent).toContain('withdraw your consent at any time');
    expect(banner.textContent).toMatch(/never part of “Accept all”: Credit scoring/);
    expect(get('link', 'privacy@lantern.example').getAttribute('href')).toBe('mailto:privacy@lantern.example');
    expect(get('link', 'Privacy policy').getAttribute('href')).toBe('https://lantern.example/privacy');
  });

  it('under a Global Privacy Control signal, names a sale among the purposes "Accept all" leaves out (GPC-02)', async () => {
    vi.stubGlobal('navigator', { ...navigator, globalPrivacyControl: true, languages: ['en'] });
    try {
      const { get } = await mounted();
      const [asked, separate] = [...get('dialog', 'Your privacy choices').querySelectorAll('p')].map((p) => p.textContent);
      expect(asked).toContain('for: Analytics.');
      expect(separate).toMatch(/never part of “Accept all”: Advertising, Credit scoring/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('names the purposes asked again because they changed since the last choice, there and in the preferences (GATE-03)', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ analytics: true, marketing: true });
    const changed = purposes.map((p) => (p.id == 'analytics' ? { ...p, data: [...p.data, 'scroll depth'] } : p));
    const { get, consent } = await mounted({ storageName, purposes: changed });
    expect(get('dialog', 'Your privacy choices').textContent).toContain('Changed since your last choice: Analytics.');
    consent.showPreferences();
    const notes = [...get('dialog', 'Privacy settings').querySelectorAll('.note')].map((note) => note.textContent);
    expect(notes.filter((note) => note.startsWith('Changed since'))).toHaveLength(1);
    expect(get('switch', 'Analytics').closest('li')!.textContent).toContain('Changed since your last choice');
  });

  it('marks names placed in its statement that are not in the language shown with their own lang, the words unchanged (WCAG 3.1.2)', async () => {
    // No Chinese name for the controller or the Analytics title: both are shown in English, the fallback locale.
    const english = purposes.map((p) => (p.id == 'analytics' ? { ...p, title: { en: 'Analytics' } } : p));
    const { get } = await mounted({ controller: { name: { en: 'Daily Lantern Ltd.' }, contact: 'privacy@lantern.example' }, purposes: english }, { locale: 'zh-CN' });
    const statement = get('dialog', '您的隐私选择').querySelector('#optin-banner-text')!;
    expect([...statement.querySelectorAll('[lang]')].map((el) => [el.getAttribute('lang'), el.textContent])).toEqual([
      ['en', 'Daily Lantern Ltd.'],
      ['en', 'Analytics'],
    ]);
    // "Advertising", a plain string of a site that declared no language, is left to the dialog's lang.
    expect(statement.textContent).toBe(zhCN.bannerText.replace('{controller}', 'Daily Lantern Ltd.').replace('{purposes}', 'Analytics、Advertising'));
  });

  it('offers Accept all, Reject all and Customize as the same element with the same class', async () => {
    const { get } = await mounted();
    const buttons = ['Accept all', 'Reject all', 'Customize'].map((name) => get('button', name));
    expect(buttons.map((b) => [b.tagName, b.className])).toEqual(Array(3).fill(['BUTTON', 'btn']));
  });

  it('takes focus on its heading, never on Accept all, and Enter there grants nothing (CHO-05)', async () => {
    const { get, focused, consent } = await mounted();
    expect(focused()).toBe(get('heading', 'Your privacy choices'));
    // Enter as a browser handles it: the key event, then activation of a focused button or link (happy-dom only
    // dispatches the event, so the activation is done here; Chromium does both in the browser tests).
    const target = focused()!;
    press('Enter', target);
    if (target.matches('button, a[href]')) target.click();
    await settle();
    expect(consent.state('analytics')).toBe('undecided');
  });

  it('Accept all grants what it says and never the sensitive purpose; the banner goes and "Choices saved" is announced', async () => {
    const { get, query, consent } = await mounted();
    get('button', 'Accept all').click();
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'granted', marketing: 'granted', 'credit-scoring': 'undecided' });
    expect(query('dialog')).toBeNull();
    expect(get('status').textContent).toBe('Choices saved');
    expect((await receiptsOf(consent))[0]).toMatchObject({ method: 'banner', action: 'accept-all', locale: 'en', choices: { analytics: true, marketing: true } });
  });

  it('"Choices saved" leaves the page after 5 s, and a later save is announced again', async () => {
    const { get, consent } = await mounted();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      get('button', 'Reject all').click();
      expect(get('status').textContent).toBe('Choices saved');
      await vi.advanceTimersByTimeAsync(4900);
      expect(get('status').textContent).toBe('Choices saved');
      await vi.advanceTimersByTimeAsync(100);
      expect(get('status').textContent).toBe('');
      consent.showPreferences();
      await vi.advanceTimersByTimeAsync(0);
      get('button', 'Save choices').click();
      await vi.advanceTimersByTimeAsync(150);
      expect(get('status').textContent).toBe('Choices saved');
    } finally {
      vi.useRealTimers();
    }
  });

  it('Reject all denies every non-necessary purpose with one click, as many as Accept all takes (CHO-03)', async () => {
    const { get, consent } = await mounted();
    get('button', 'Reject all').click();
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'denied', marketing: 'denied', 'credit-scoring': 'denied' });
  });

  it.each([
    ['Escape', ({ get }: Awaited<ReturnType<typeof mounted>>) => press('Escape', get('button', 'Accept all'))],
    ['the close button', ({ get }: Awaited<ReturnType<typeof mounted>>) => get('button', 'Close').click()],
  ])('%s records nothing and does not show it again this page view', async (_, close) => {
    const dialogs = await mounted();
    close(dialogs);
    await settle();
    expect(dialogs.query('dialog')).toBeNull();
    expect(dialogs.consent.state('analytics')).toBe('undecided');
    expect(await dialogs.consent.receipts()).toEqual([]);
    expect(dialogs.get('button', 'Privacy settings')).toBeTruthy();
  });

  it('does not come back once every purpose it covers is decided; show() opens it on request', async () => {
    const { consent, query, get } = await mounted();
    await consent.decide({ analytics: false, marketing: true });
    expect(query('dialog')).toBeNull();
    consent.show();
    expect(get('dialog', 'Your privacy choices')).toBeTruthy();
  });

  it('gives focus back to the page element it came from once answered', async () => {
    const { get } = await mounted();
    const page = document.body.insertBefore(document.createElement('button'), document.body.firstChild);
    page.focus();
    get('button', 'Reject all').focus();
    get('button', 'Reject all').click();
    expect(document.activeElement).toBe(page);
  });

  it('without the floating button, gives focus back to the page element it came from after Customize and Save', async () => {
    const { get } = await mounted({}, { floatingButton: false });
    const page = document.body.insertBefore(document.createElement('button'), document.body.firstChild);
    page.focus();
    get('button', 'Customize').focus();
    get('button', 'Customize').click();
    get('button', 'Save choices').click();
    expect(document.activeElement).toBe(page);
  });

  it('gives focus to "Privacy settings" once answered when it came from nowhere on the page', async () => {
    const { get, focused } = await mounted();
    expect(focused()).toBe(get('heading', 'Your privacy choices'));
    get('button', 'Accept all').focus();
    get('button', 'Accept all').click();
    expect(focused()).toBe(get('button', 'Privacy settings'));
  });

  it('Customize opens the preferences over it, and closing them gives focus back to Customize', async () => {
    const { get, focused } = await mounted();
    const customize = get('button', 'Customize');
    customize.focus();
    customize.click();
    expect((get('dialog', 'Privacy settings') as HTMLDialogElement).open).toBe(true);
    press('Escape', focused()!);
    expect(focused()).toBe(customize);
  });
});

describe('asked again when a yes expires, never soon after a no (GATE-05, CHO-08)', () => {
  const DAY = 864e5;
  // Only Date is faked: IndexedDB and the tests' own waits keep real timers.
  afterEach(() => vi.useRealTimers());

  it('12 months and a day after Accept all (default lifetime), the banner shows again and require() waits for its answer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const [start, storageName] = [Date.now(), freshName()];
    await createConsent(config({ storageName })).decide({ analytics: true, marketing: true }, { method: 'banner' });
    vi.setSystemTime(start + 366 * DAY);
    const { get, consent } = await mounted({ storageName });
    expect(get('dialog', 'Your privacy choices')).toBeTruthy();
    let settled = false;
    const asked = consent.require('analytics').finally(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    get('button', 'Accept all').click();
    await expect(asked).resolves.toBeUndefined();
  });

  it('5 months after Reject all, no dialog opens: not the banner, not a prompt for require()', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const [start, storageName] = [Date.now(), freshName()];
    await createConsent(config({ storageName })).decide({ analytics: false, marketing: false, 'credit-scoring': false }, { method: 'banner' });
    vi.setSystemTime(start + 152 * DAY);
    const { query, get, consent } = await mounted({ storageName });
    expect(query('dialog')).toBeNull();
    for (const id of ['analytics', 'marketing', 'credit-scoring'] as const) await expect(consent.require(id)).rejects.toBeInstanceOf(ConsentDeniedError);
    await settle();
    expect(query('dialog')).toBeNull();
    expect(get('button', 'Privacy settings')).toBeTruthy();
  });
});

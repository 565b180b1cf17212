// The second layer: switches off until a yes, exactly what they show is saved, modal focus rules, withdrawal.
import { getByRole, within } from '@testing-library/preact';
import { createStore, getMany } from 'idb-keyval';
import { options, type VNode } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { mounted, press } from './dialogs.js';
import { createConsent, type Consent } from '../src/index.js';
import { config, freshName, purposes, receiptsOf, settle } from './fixtures.js';

/** The same site on the person's next visit: a new instance on the same config and database, its decisions read. */
const nextVisit = async (consent: Consent) => {
  const later = createConsent(consent.config);
  await later.ready;
  return later;
};

const open = async (...args: Parameters<typeof mounted>) => {
  const dialogs = await mounted(...args);
  dialogs.consent.showPreferences();
  return dialogs;
};

/** How often the dialogs draw while `act` runs: modal layers, and purpose rows (render() draws synchronously). */
const drawn = (act: () => void) => {
  const before = options.diffed;
  const count = { layers: 0, rows: 0 };
  options.diffed = (vnode: VNode) => {
    if (vnode.type == 'dialog') count.layers++;
    if (vnode.type == 'li' && (vnode.props as { class?: string }).class == 'purpose') count.rows++;
    before?.(vnode);
  };
  try {
    act();
  } finally {
    // Preact's own hook (or none) back: deleted, not set to undefined, where there was none.
    if (before) options.diffed = before;
    else delete options.diffed;
  }
  return count;
};

describe('preferences (CHO-01, INF-01, WDR-01)', () => {
  it('start with every switch off (aria-checked="false") and the necessary purpose locked on with its reason', async () => {
    const { all, get } = await open();
    const switches = all('switch');
    expect(switches.map((s) => s.getAttribute('aria-checked'))).toEqual(['false', 'false', 'false']);
    expect(switches.map((s) => s.textContent)).toEqual(['Off', 'Off', 'Off']);
    expect(get('switch', 'Analytics').getAttribute('aria-describedby')).toBeTruthy();
    const dialog = get('dialog', 'Privacy settings');
    expect(dialog.textContent).toContain('Always on');
    expect(dialog.textContent).toContain('cannot be switched off');
  });

  it('give each purpose a switch named by its visible title, described by its disclosure, whose aria-checked follows each click (A11Y-05)', async () => {
    const { get, consent } = await open();
    const dialog = get('dialog', 'Privacy settings');
    const optional = purposes.filter((p) => !('necessary' in p));
    const titles = [...dialog.querySelectorAll('h3')].map((h) => h.textContent);
    for (const p of optional) {
      const title = typeof p.title == 'string' ? p.title : p.title.en;
      const description = typeof p.description == 'string' ? p.description : p.description.en;
      expect(titles, p.id).toContain(title);
      // Found by role, by the visible title as its whole name, and by the purpose's description as (part of) its own.
      const control = getByRole(dialog, 'switch', { name: title, description: (text) => text.includes(description) });
      expect(control.getAttribute('aria-checked'), p.id).toBe('false');
      control.click();
      await settle(0);
      if ('sensitive' in p) {
        // Its yes is the prompt's: the switch says on only once that yes is given.
        expect(control.getAttribute('aria-checked'), p.id).toBe('false');
        get('button', `Allow ${title}`).click();
        await settle(0);
      }
      expect(control.getAttribute('aria-checked'), p.id).toBe('true');
      control.click();
      await settle(0);
      expect(control.getAttribute('aria-checked'), p.id).toBe('false');
    }
    expect(consent.state('credit-scoring')).toBe('denied');
  });

  it('disclose for each purpose what data, why, who receives it and how long; a recipient abroad is marked', async () => {
    // A controller in China: analytics (a recipient in Germany) then needs its own consent (PIPL Art. 39).
    const separate = purposes.map((p) => (p.id == 'analytics' ? { ...p, sensitive: true as const } : p));
    const { get } = await open({ controller: { name: 'Daily Lantern Ltd.', contact: '/contact', country: 'CN' }, purposes: separate });
    const text = get('dialog', 'Privacy settings').textContent;
    expect(text).toContain('pages visited, device type');
    expect(text).toContain('Counts page views to improve articles.');
    expect(text).toContain('Kept for13 months');
    expect(text).toMatch(/Stats Co · cross-border transfer: Germany/);
    expect(text).toMatch(/Lumen Credit Bureau · China/);
    expect(text).toContain('No one else: only Daily Lantern Ltd.');
    expect(text).toContain('Separate consent: asked on its own, never part of “Accept all”.');
  });

  it('mark the site’s plain texts with config.locale when they speak another language, and name each switch by the same words (WCAG 3.1.2)', async () => {
    const { get } = await open({ locale: 'en' }, { locale: 'zh-CN' });
    const dialog = get('dialog', '隐私设置');
    // Analytics has a zh-CN title and description of its own: nothing of them is marked.
    expect(get('switch', '统计分析').closest('li')!.querySelector('h3 [lang], p [lang]')).toBeNull();
    expect(get('heading', 'Advertising').querySelector('[lang="en"]')!.textContent).toBe('Advertising');
    expect(get('switch', 'Advertising').getAttribute('aria-checked')).toBe('false');
    expect(dialog.querySelector('#optin-prefs-text [lang="en"]')!.textContent).toBe('Daily Lantern Ltd.');
    expect(new Set([...dialog.querySelectorAll('[lang]')].map((el) => el.getAttribute('lang')))).toEqual(new Set(['en']));
  });

  it('leave plain texts to the dialog’s lang where the site declared no language of its own', async () => {
    // A site that writes plain Chinese texts and sets no config.locale: its fallback is English, its texts are not.
    const chinese = purposes.map((p) => ({ ...p, title: '用途' + p.id.length, description: '说明。' }));
    const { get } = await open({ purposes: chinese }, { locale: 'zh-CN' });
    expect(get('dialog', '隐私设置').querySelector('[lang]')).toBeNull();
  });

  it('save exactly what the switches show, with method preferences', async () => {
    const { get, consent, query } = await open();
    get('switch', 'Analytics').click();
    get('switch', 'Analytics').click();
    get('switch', 'Advertising').click();
    expect(get('switch', 'Advertising').getAttribute('aria-checked')).toBe('true');
    get('button', 'Save choices').click();
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'denied', marketing: 'granted', 'credit-scoring': 'denied' });
    expect(query('dialog', 'Privacy settings')).toBeNull();
    // Said a moment after the dialog closed: the page's region was inert until then, out of the accessibility tree.
    expect(get('status').textContent).toBe('');
    await settle(200);
    expect(get('status').textContent).toBe('Choices saved');
    expect((await receiptsOf(consent))[0]).toMatchObject({ method: 'preferences', choices: { analytics: false, marketing: true, 'credit-scoring': false } });
  });

  it('have one switch per purpose: Analytics alone switched on and saved grants Analytics only, stored so (CHO-04)', async () => {
    const { get, all, consent, query } = await open();
    const sent: string[] = [];
    const pixel = consent.gate('marketing', () => sent.push('pixel'));
    pixel();
    // Each switch moves only itself: no purpose rides along with another.
    const checked = () => all('switch').map((s) => s.getAttribute('aria-checked'));
    for (const [name, expected] of [['Analytics', ['true', 'false', 'false']], ['Advertising', ['true', 'true', 'false']], ['Advertising', ['true', 'false', 'false']]] as const) {
      get('switch', name).click();
      expect(checked(), name).toEqual(expected);
    }
    get('button', 'Save choices').click();
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'granted', marketing: 'denied', 'credit-scoring': 'denied' });
    expect((await receiptsOf(consent))[0]!.choices).toEqual({ analytics: true, marketing: false, 'credit-scoring': false });
    // What a later page view reads from IndexedDB.
    expect((await nextVisit(consent)).state()).toEqual({ necessary: 'granted', analytics: 'granted', marketing: 'denied', 'credit-scoring': 'denied' });
    // The yes to Analytics opens nothing else: Advertising's held call is dropped, require() refuses without asking.
    await expect(consent.require('marketing')).rejects.toMatchObject({ name: 'ConsentDeniedError' });
    await settle(0);
    expect(query('dialog')).toBeNull();
    pixel();
    expect(sent).toEqual([]);
  });

  it('save exactly what the switches show, over 50 random sequences of clicks from random earlier choices (CHO-09)', async () => {
    // Six purposes that Save decides (none sensitive: a sensitive switch asks in its own prompt instead).
    const six = ['analytics', 'marketing', 'maps', 'video', 'search', 'offers'].map((id) => ({ id, title: `Title ${id}`, description: `Uses your data for ${id}.`, data: ['d'], retention: '1 month' }));
    const { get, root, consent } = await mounted({ purposes: [purposes[0], ...six] });
    consent.showPreferences();
    // One switch per purpose, in the config's order (found by name once; by role after that, which is faster).
    const switches = () => [...root.querySelectorAll<HTMLElement>('[role="switch"]')];
    expect(six.map((p) => get('switch', p.title))).toEqual(switches());
    get('button', 'Close').click();
    // A fixed seed: a failure names the run, and the same run comes back.
    let seed = 0x5eed;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 50; run++) {
      await consent.decide(Object.fromEntries(six.map((p) => [p.id, random() < 0.5])));
      consent.showPreferences();
      for (let clicks = Math.floor(random() * 8); clicks > 0; clicks--) switches()[Math.floor(random() * six.length)]!.click();
      const shown = Object.fromEntries(switches().map((el, i) => [six[i]!.id, el.getAttribute('aria-checked') == 'true']));
      root.querySelector<HTMLElement>('[data-action="save"]')!.click();
      expect(consent.state(), `run ${run}`).toEqual({ necessary: 'granted', ...Object.fromEntries(six.map((p) => [p.id, shown[p.id] ? 'granted' : 'denied'])) });
      // Stored as shown, once Save's receipt is kept.
      await vi.waitFor(async () => expect((await consent.receipts()).at(-1)?.action).toBe('save'), { interval: 5 });
      const stored = await getMany(six.map((p) => ['d', p.id]), createStore(consent.config.storageName!, 'keyval'));
      expect(Object.fromEntries(stored.map((r: { purpose: string; granted: boolean }) => [r.purpose, r.granted])), `run ${run}, stored`).toEqual(shown);
    }
    // About 10 s on two idle cores (fake-indexeddb reads the growing log after each Save); twice that on a loaded
    // machine ran out of a 20 s limit. The limit is a net for a hang, not a measure of speed.
  }, 60_000);

  it('ask for a sensitive purpose in its own prompt over them; Escape there records nothing, Allow turns the switch on (SEP-01)', async () => {
    const { get, consent, focused, query } = await open();
    const sensitive = get('switch', 'Credit scoring');
    sensitive.focus();
    sensitive.click();
    await settle(0);
    expect(get('dialog', 'Allow Credit scoring?').getAttribute('aria-modal')).toBe('true');
    expect(focused()?.id).toBe('optin-prompt-title');
    press('Escape', get('button', 'Allow Credit scoring'));
    expect(query('dialog', 'Allow Credit scoring?')).toBeNull();
    expect(consent.state('credit-scoring')).toBe('undecided');
    expect(focused()).toBe(get('switch', 'Credit scoring'));
    get('switch', 'Credit scoring').click();
    await settle(0);
    get('button', 'Allow Credit scoring').click();
    expect(consent.state('credit-scoring')).toBe('granted');
    expect(get('switch', 'Credit scoring').getAttribute('aria-checked')).toBe('true');
    expect(focused()).toBe(get('switch', 'Credit scoring'));
    get('button', 'Accept all').click();
    const receipts = await receiptsOf(consent, 2);
    expect(receipts.map((r) => [r.method, r.choices])).toEqual([
      ['prompt', { 'credit-scoring': true }],
      ['preferences', { analytics: true, marketing: true }],
    ]);
  });

  it('tell a screen reader on the switch what its notes tell the eye: that it asks in a dialog of its own, and why a sale stays off (WCAG 3.2.2, 1.3.1)', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const { get } = await open();
      // Tabbing from switch to switch skips the notes under each one: only the switch's description is read there.
      // Turning on a sensitive switch opens a dialog (a change of context), which the person must hear of first.
      const credit = get('switch', 'Credit scoring');
      expect(credit.closest('li')!.textContent).toContain('Separate consent');
      expect(getByRole(credit.closest('li')!, 'switch', { description: (text) => text.includes('Separate consent: asked on its own') })).toBe(credit);
      const sale = get('switch', 'Advertising');
      expect(getByRole(sale.closest('li')!, 'switch', { description: (text) => text.includes('Global Privacy Control signal') })).toBe(sale);
      // And still the purpose's own description.
      expect(getByRole(sale.closest('li')!, 'switch', { description: (text) => text.includes('Shows ads based on your reading.') })).toBe(sale);
    } finally {
      delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    }
  });

  it('show a yes already given as on; withdrawing takes one action to open them plus the one it took to grant (WDR-01, WDR-02)', async () => {
    const { get, root, consent } = await mounted();
    let clicks = 0;
    root.addEventListener('click', () => clicks++);
    // The first yes: one click on the banner, which opened by itself.
    get('button', 'Accept all').click();
    expect(clicks).toBe(1);
    // Withdrawing from the page: "Privacy settings", then "Reject all".
    clicks = 0;
    get('button', 'Privacy settings').click();
    expect(get('switch', 'Analytics').getAttribute('aria-checked')).toBe('true');
    get('button', 'Reject all').click();
    expect(consent.state()).toMatchObject({ analytics: 'denied', marketing: 'denied' });
    expect(clicks).toBe(2);
    // Granting again from the page takes the same two: "Privacy settings", then "Accept all".
    clicks = 0;
    get('button', 'Privacy settings').click();
    get('button', 'Accept all').click();
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    expect(clicks).toBe(2);
    // Each receipt names the control used (SEP-07): the banner's, then the preferences' own.
    expect((await receiptsOf(consent, 3)).map((r) => r.action)).toEqual(['accept-all', 'reject-all', 'accept-all']);
  });

  it('with 100 purposes, draw each row once on opening, then only the row of a switch flipped, once, also for a withdrawal', async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: `p${i}`, title: `Purpose ${i}`, description: `Why ${i}.`, data: ['page views'], retention: '6 months' }));
    const { get, consent } = await mounted({ purposes: many });
    await consent.decide({ p50: true });
    expect(drawn(() => consent.showPreferences())).toEqual({ layers: 1, rows: 100 });
    expect(drawn(() => get('switch', 'Purpose 10').click())).toEqual({ layers: 1, rows: 1 });
    expect(get('switch', 'Purpose 10').getAttribute('aria-checked')).toBe('true');
    // A yes switched off: drawn off (its proof records the dialog as shown), then withdrawn and said so in one more
    // draw; its row drawn once in all (it was three draws of all 100 rows).
    expect(drawn(() => get('switch', 'Purpose 50').click())).toEqual({ layers: 2, rows: 1 });
    expect(get('switch', 'Purpose 50').getAttribute('aria-checked')).toBe('false');
    expect(consent.state('p50')).toBe('denied');
    expect(within(get('dialog', 'Privacy settings')).getByRole('status').textContent).toBe('Consent withdrawn');
    // Save closes the dialog without drawing it again first, and records what the switches showed.
    expect(drawn(() => get('button', 'Save choices').click())).toEqual({ layers: 0, rows: 0 });
    expect(Object.entries(consent.state()).filter(([, state]) => state == 'granted')).toEqual([['p10', 'granted']]);
  });

  it('for a US controller under Global Privacy Control, keep sensitive data off by default, past Accept all, and record a "limit" of it as a no for later visits (GPC-07)', async () => {
    vi.stubGlobal('navigator', { ...navigator, globalPrivacyControl: true, languages: ['en'] });
    try {
      const { get, consent } = await mounted({ controller: { name: 'Daily Lantern Inc.', contact: 'privacy@lantern.example', country: 'US' } });
      // Off by default, and "Accept all" leaves it off: sensitive data is used only after its own opt-in.
      get('button', 'Accept all').click();
      expect(consent.state('credit-scoring')).toBe('undecided');
      expect(consent.has('credit-scoring')).toBe(false);
      void consent.require('credit-scoring', { ask: true }).catch(() => undefined);
      (await vi.waitFor(() => get('button', 'Allow Credit scoring'))).click();
      expect(consent.state('credit-scoring')).toBe('granted');
      // The limit: its switch in "Privacy settings", turned off, is a no at once, receipted with the control used.
      get('button', 'Privacy settings').click();
      get('switch', 'Credit scoring').click();
      expect(consent.state('credit-scoring')).toBe('denied');
      const receipts = await receiptsOf(consent, 4);
      expect(receipts.at(-1)).toMatchObject({ method: 'preferences', action: 'switch-off', choices: { 'credit-scoring': false } });
      expect((await nextVisit(consent)).state('credit-scoring')).toBe('denied');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('withdraw a separate consent in as many actions as the prompt took to give it: "Privacy settings", then its switch (WDR-02)', async () => {
    const { get, root, consent, query } = await mounted();
    get('button', 'Reject all').click();
    // Given through the prompt: the page's own button starts require(), then "Allow credit scoring".
    void consent.require('credit-scoring', { ask: true }).catch(() => undefined);
    (await vi.waitFor(() => get('button', 'Allow Credit scoring'))).click();
    expect(consent.state('credit-scoring')).toBe('granted');
    let clicks = 0;
    root.addEventListener('click', () => clicks++);
    get('button', 'Privacy settings').click();
    get('switch', 'Credit scoring').click();
    expect(clicks).toBe(2);
    expect(consent.state('credit-scoring')).toBe('denied');
    expect(get('switch', 'Credit scoring').getAttribute('aria-checked')).toBe('false');
    expect(within(get('dialog', 'Privacy settings')).getByRole('status').textContent).toBe('Consent withdrawn');
    // Closing the dialog now does not bring the yes back.
    get('button', 'Close').click();
    expect(query('dialog', 'Privacy settings')).toBeNull();
    expect(consent.state('credit-scoring')).toBe('denied');
    expect((await receiptsOf(consent, 3))[2]).toMatchObject({ method: 'preferences', choices: { 'credit-scoring': false } });
  });

  it('say "Choices saved" inside themselves, where the person is: the page behind a modal dialog is inert (A11Y-10)', async () => {
    const { get, all, consent } = await mounted();
    get('button', 'Accept all').click();
    consent.showPreferences();
    const dialog = get('dialog', 'Privacy settings');
    const status = () => within(dialog).getByRole('status');
    const outside = () => all('status').filter((el) => !dialog.contains(el));
    expect(status().textContent).toBe('');
    // A withdrawal by its switch is saved at once, and said so in the dialog; nothing is said behind it.
    get('switch', 'Analytics').click();
    expect(status().textContent).toBe('Consent withdrawn');
    expect(outside().map((el) => el.textContent)).toEqual(['']);
    // Closing the dialog takes its message with it: the page behind does not say it again.
    get('button', 'Close').click();
    expect(all('status').map((el) => el.textContent)).toEqual(['']);
    // Under a prompt the preferences opened, the answer is told in the preferences once the prompt closes.
    consent.showPreferences();
    get('switch', 'Credit scoring').click();
    await settle(0);
    get('button', 'Allow Credit scoring').click();
    // A moment after the prompt closed: the preferences under it were inert until then.
    expect(within(get('dialog', 'Privacy settings')).getByRole('status').textContent).toBe('');
    await settle(200);
    expect(within(get('dialog', 'Privacy settings')).getByRole('status').textContent).toBe('Choices saved');
    // Save closes the dialog: the page's own status says it then.
    get('button', 'Save choices').click();
    await settle(200);
    expect(all('status').map((el) => el.textContent.trim())).toEqual(['Choices saved']);
  });

  it('keep their message out of the proof of the wording shown: the same dialog gives the same text hash with it or without it (REC-01)', async () => {
    const { get, consent } = await mounted();
    get('button', 'Accept all').click();
    consent.showPreferences();
    const dialog = get('dialog', 'Privacy settings');
    // The withdrawal is recorded with the text shown before "Consent withdrawn" appears...
    get('switch', 'Analytics').click();
    expect(within(dialog).getByRole('status').textContent).toBe('Consent withdrawn');
    // ...and Reject all, in the same dialog showing the same switches, while it shows.
    get('button', 'Reject all').click();
    const [, withdrawn, rejected] = await receiptsOf(consent, 3);
    expect([withdrawn!.choices, rejected!.choices]).toEqual([{ analytics: false }, { analytics: false, marketing: false, 'credit-scoring': false }]);
    expect(withdrawn!.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect(rejected!.textHash).toBe(withdrawn!.textHash);
  });

  it('opened by the page while a page prompt is open, they come up on top, and the prompt after they close', async () => {
    const { get, query, consent } = await mounted();
    get('button', 'Reject all').click();
    void consent.require('credit-scoring', { ask: true }).catch(() => undefined);
    await settle(0);
    expect(query('dialog', 'Allow Credit scoring?')).not.toBeNull();
    consent.showPreferences();
    expect((get('dialog', 'Privacy settings') as HTMLDialogElement).open).toBe(true);
    expect(query('dialog', 'Allow Credit scoring?')).toBeNull();
    get('button', 'Close').click();
    expect((get('dialog', 'Allow Credit scoring?') as HTMLDialogElement).open).toBe(true);
  });

  it('are a modal dialog: focus moves in, Tab wraps inside, Escape records nothing and gives focus back', async () => {
    const { get, focused, consent, all } = await mounted();
    press('Escape', get('button', 'Accept all'));
    const opener = get('button', 'Privacy settings');
    opener.focus();
    opener.click();
    const dialog = get('dialog', 'Privacy settings') as HTMLDialogElement;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.open).toBe(true);
    expect(focused()).toBe(get('heading', 'Privacy settings'));
    const controls = [...dialog.querySelectorAll<HTMLElement>('a[href],button')];
    controls.at(-1)!.focus();
    press('Tab', focused()!);
    expect(focused()).toBe(controls[0]);
    press('Tab', focused()!, { shiftKey: true });
    expect(focused()).toBe(controls.at(-1));
    all('switch')[0]!.click();
    press('Escape', focused()!);
    await settle();
    expect(consent.state('analytics')).toBe('undecided');
    expect(await consent.receipts()).toEqual([]);
    expect(focused()).toBe(opener);
  });

  it('say that a Global Privacy Control signal was honoured (GPC-03)', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const { get } = await open();
      expect(get('switch', 'Advertising').getAttribute('aria-checked')).toBe('false');
      expect(get('dialog', 'Privacy settings').textContent).toContain('Global Privacy Control signal and we honour it');
    } finally {
      delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    }
  });

  it('on a later visit without the signal, still say why a sale stays off: its opt-out stands (GPC-05)', async () => {
    const storageName = freshName();
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      await receiptsOf(createConsent(config({ storageName })));
    } finally {
      delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    }
    const { get } = await open({ storageName });
    expect(get('switch', 'Advertising').closest('li')!.textContent).toContain('Global Privacy Control signal and we honour it');
    expect(get('switch', 'Analytics').closest('li')!.textContent).not.toContain('Global Privacy Control');
  });
});

// The core reads a purpose's own fields only (consent.test.ts); the dialogs must too, or they would tell the person
// that every purpose is strictly necessary while nothing is granted, and never ask.
describe('a page whose Object.prototype is polluted with necessary: true (a query-string parser, a deep merge)', () => {
  it('still asks in the banner and offers a switch per purpose, none of them "Always on"', async () => {
    (Object.prototype as Record<string, unknown>).necessary = true;
    try {
      const { get, query, consent } = await mounted({ purposes: [
        { id: 'analytics', title: 'Analytics', description: 'Counts page views to improve articles.', data: ['pages visited'], retention: '13 months' },
        { id: 'marketing', title: 'Advertising', description: 'Shows ads based on your reading.', data: ['ad clicks'], retention: '6 months' },
      ] });
      expect(get('dialog', 'Your privacy choices').textContent).toContain('Analytics, Advertising');
      consent.showPreferences();
      await settle(0);
      expect(get('switch', 'Analytics').getAttribute('aria-checked')).toBe('false');
      expect(get('switch', 'Advertising').getAttribute('aria-checked')).toBe('false');
      expect(query('dialog', 'Privacy settings')!.textContent).not.toContain('Always on');
    } finally {
      delete (Object.prototype as Record<string, unknown>).necessary;
    }
  });
});

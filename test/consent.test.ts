// createConsent end to end on fake-indexeddb: defaults, persistence, re-asking, faults, gate, tabs (require: require.test.ts).
// The page is on www.lantern.example, so that cookies on the parent domain can be set and must be cleared.
// @vitest-environment-options {"url": "https://www.lantern.example/news"}
import { createStore, get, set } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsentConfigError, ConsentDeniedError, createConsent, type Consent, type ConsentConfig, type ConsentError, type ConsentUI } from '../src/index.js';
import { sha256 } from '../src/hash.js';
import { config, freshName, purposes, settle } from './fixtures.js';

afterEach(() => vi.restoreAllMocks());

const DAY = 864e5;

describe('defaults (PRE-03, off until yes)', () => {
  it('denies every non-necessary purpose on a fresh store and always grants necessary ones, require() included (GATE-09)', async () => {
    const consent = createConsent(config());
    await consent.ready;
    expect(consent.state()).toEqual({ necessary: 'granted', analytics: 'undecided', marketing: 'undecided', 'credit-scoring': 'undecided' });
    expect(consent.has('analytics')).toBe(false);
    expect(consent.has('necessary')).toBe(true);
    await expect(consent.require('necessary')).resolves.toBeUndefined();
  });
});

describe('persistence', () => {
  it('keeps decisions across a second instance on the same database', async () => {
    const cfg = config();
    const first = createConsent(cfg);
    await first.decide({ analytics: true, marketing: false });
    const second = createConsent(cfg);
    expect(second.has('analytics')).toBe(false); // not loaded yet: no consent assumed
    await second.ready;
    expect(second.state()).toMatchObject({ analytics: 'granted', marketing: 'denied', 'credit-scoring': 'undecided' });
  });

  it('stores what the person was shown: policy version, disclosure hash, locale, method, expiry', async () => {
    const cfg = config({ expiresAfterDays: 30 });
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true }, { method: 'preferences', locale: 'zh-CN' });
    const record = (await get(['d', 'analytics'], createStore(cfg.storageName, 'keyval'))) as Record<string, number> & { at: number; expires: number };
    expect(record).toMatchObject({ v: 1, purpose: 'analytics', granted: true, policy: '2026-11', locale: 'zh-CN', method: 'preferences', hash: await consent.disclosureHash('analytics', 'zh-CN') });
    expect(record.expires - record.at).toBe(30 * DAY);
    expect(await consent.disclosureHash('analytics', 'zh-CN')).not.toBe(await consent.disclosureHash('analytics', 'en'));
  });

  it('keeps the SHA-256 of the exact notice text passed to decide() in each record and the receipt (REC-01)', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    const shown = 'Daily Lantern asks for your consent.\nAnalytics, Advertising\nAccept all Reject all Customize';
    await consent.decide({ analytics: true, marketing: false }, { method: 'banner', text: shown });
    const textHash = await sha256(shown);
    const store = createStore(cfg.storageName, 'keyval');
    for (const id of ['analytics', 'marketing']) expect(await get(['d', id], store)).toMatchObject({ textHash });
    const [receipt] = await consent.receipts();
    expect(receipt).toMatchObject({ method: 'banner', textHash });
    // Without a text nothing is claimed; a text that is not a string names the option.
    await consent.decide({ analytics: false });
    expect((await get(['d', 'analytics'], store)) as object).not.toHaveProperty('textHash');
    expect((await consent.receipts())[1]).not.toHaveProperty('textHash');
    await expect(consent.decide({ analytics: true }, { text: 42 as unknown as string })).rejects.toThrow(/decide\.text: must be the notice text shown, a string, not number/);
    expect(consent.state('analytics')).toBe('denied');
    expect(await consent.verifyReceipts()).toEqual({ ok: true, count: 2 });
  });

  it('keeps the control the person used in each record and the receipt, and refuses an action that is not a string (SEP-07)', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true }, { method: 'prompt', text: 'Allow analytics?', action: 'allow' });
    expect(await get(['d', 'analytics'], createStore(cfg.storageName, 'keyval'))).toMatchObject({ method: 'prompt', action: 'allow', textHash: await sha256('Allow analytics?') });
    expect((await consent.receipts())[0]).toMatchObject({ method: 'prompt', action: 'allow' });
    await expect(consent.withdraw('analytics', { action: ['deny'] as unknown as string })).rejects.toThrow(/decide\.action: must be the control the person used, like 'allow', a string, not object/);
    expect(consent.has('analytics')).toBe(true);
    await consent.withdraw('analytics');
    expect((await consent.receipts())[1]).not.toHaveProperty('action');
  });

  it('refuses a locale that is not a string: stored and told to other tabs, such a decision could not be read back, so a no would be lost on reload', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    await expect(consent.decide({ analytics: false }, { locale: null as unknown as string })).rejects.toThrow(/decide\.locale: must be a locale, a string, not object/);
    expect(consent.state('analytics')).toBe('undecided');
    await consent.decide({ analytics: false }, { locale: 'zh-CN' });
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('analytics')).toBe('denied');
  });

  it.each([
    ['the policy version changes', { policy: { version: '2027-01', url: 'https://lantern.example/privacy' } }],
    ['the disclosure text changes', { purposes: purposes.map((p) => (p.id == 'analytics' ? { ...p, data: [...p.data, 'scroll depth'] } : p)) }],
    ['the recipients change', { purposes: purposes.map((p) => (p.id == 'analytics' ? { ...p, recipients: [{ name: 'Other Stats', country: 'US' }] } : p)) }],
  ])('asks again when %s, and says the purpose changed until it is decided again (GATE-03, GATE-04)', async (_, change) => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true, marketing: false });
    const same = createConsent(cfg);
    await same.ready;
    expect(same.revised('analytics')).toBe(false);
    const later = createConsent({ ...cfg, ...change });
    await later.ready;
    expect(later.state('analytics')).toBe('undecided');
    expect([later.revised('analytics'), later.revised('credit-scoring')]).toEqual([true, false]);
    await later.decide({ analytics: false });
    expect(later.revised('analytics')).toBe(false);
  });

  it('asks again once a decision expires (GATE-05)', async () => {
    const cfg = config({ expiresAfterDays: 10 });
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true });
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 10 * DAY + 1);
    expect(consent.has('analytics')).toBe(false);
    const later = createConsent(cfg);
    await later.ready;
    expect(later.state('analytics')).toBe('undecided');
    expect(later.revised('analytics')).toBe(false); // expired, not changed
  });
});

describe('faults never become a yes (PRE-04)', () => {
  it.each([
    ['garbage', 'not a record'],
    ['a record for another purpose', { v: 1, purpose: 'marketing', granted: true, at: 1, expires: 9e15, policy: '2026-11', hash: 'x', locale: 'en', method: 'api' }],
    ['a record of a newer schema', { v: 2, purpose: 'analytics', granted: true, at: 1, expires: 9e15, policy: '2026-11', hash: 'x', locale: 'en', method: 'api' }],
    ['a record with a forged hash', { v: 1, purpose: 'analytics', granted: true, at: 1, expires: 9e15, policy: '2026-11', hash: 'forged', locale: 'en', method: 'api' }],
  ])('ignores %s and asks again', async (_, value) => {
    const cfg = config();
    await set(['d', 'analytics'], value, createStore(cfg.storageName, 'keyval'));
    const consent = createConsent(cfg);
    await consent.ready;
    expect(consent.state('analytics')).toBe('undecided');
  });

  it('ignores a record with the right hash whose expiry is not a number', async () => {
    const cfg = config();
    const hash = await createConsent(cfg).disclosureHash('analytics', 'en');
    const record = { v: 1, purpose: 'analytics', granted: true, at: Date.now() - 1000, policy: '2026-11', hash, locale: 'en', method: 'api' };
    const raw = createStore(cfg.storageName, 'keyval');
    await set(['d', 'analytics'], { ...record, expires: Date.now() + DAY }, raw);
    const valid = createConsent(cfg);
    await valid.ready;
    expect(valid.state('analytics')).toBe('granted');
    await set(['d', 'analytics'], { ...record, expires: NaN }, raw);
    const broken = createConsent(cfg);
    await broken.ready;
    expect(broken.state('analytics')).toBe('undecided');
  });

  it('reports an unreadable record through an error event', async () => {
    const cfg = config();
    await set(['d', 'analytics'], { v: 1, granted: 'yes' }, createStore(cfg.storageName, 'keyval'));
    const consent = createConsent(cfg);
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.message));
    await consent.ready;
    expect(errors[0]).toMatch(/"analytics" is unreadable/);
  });

  it.each([
    ['a date', { at: NaN }],
    ['an expiry', { expires: NaN }],
  ])('reports a stored yes with the right hash whose %s is NaN as unreadable, and asks again', async (_, broken) => {
    const cfg = config();
    const hash = await createConsent(cfg).disclosureHash('analytics', 'en');
    const record = { v: 1, purpose: 'analytics', granted: true, at: Date.now() - 1000, expires: Date.now() + DAY, policy: '2026-11', hash, locale: 'en', method: 'api' };
    await set(['d', 'analytics'], { ...record, ...broken }, createStore(cfg.storageName, 'keyval'));
    const consent = createConsent(cfg);
    const errors: ConsentError[] = [];
    consent.on('error', (e) => errors.push(e));
    await consent.ready;
    expect(consent.state('analytics')).toBe('undecided');
    expect(consent.revised('analytics')).toBe(false);
    expect(errors.map((e) => [e.code, e.message])).toEqual([['storage', expect.stringMatching(/"analytics" is unreadable/)]]);
  });

  it('reads a record written by this schema with extra fields a later release added, without widening it (GATE-06)', async () => {
    const cfg = config();
    const probe = createConsent(cfg);
    const hash = await probe.disclosureHash('analytics', 'en');
    await set(['d', 'analytics'], { v: 1, purpose: 'analytics', granted: false, at: Date.now() - 1000, expires: Date.now() + DAY, policy: '2026-11', hash, locale: 'en', method: 'banner', note: 'extra' }, createStore(cfg.storageName, 'keyval'));
    const consent = createConsent(cfg);
    await consent.ready;
    expect(consent.state('analytics')).toBe('denied');
  });
});

describe('the latest act decides, and is stored in order (PRE-04, WDR-03)', () => {
  it('a withdrawal takes effect over a stored yes dated ahead of the clock', async () => {
    const cfg = config();
    const real = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(real + 8 * 3600e3); // a clock once 8 hours ahead (a hardware clock in local time)
    await createConsent(cfg).decide({ analytics: true }, { method: 'banner' });
    vi.restoreAllMocks();
    const consent = createConsent(cfg);
    await consent.ready;
    expect(consent.has('analytics')).toBe(true);
    const sent: number[] = [];
    const track = consent.gate('analytics', (n: number) => sent.push(n));
    await consent.withdraw('analytics', { method: 'preferences' });
    track(1);
    expect(consent.has('analytics')).toBe(false);
    expect(sent).toEqual([]);
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state('analytics')).toBe('denied');
  });

  it('a decision made before the stored ones are read is not overwritten by them', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const consent = createConsent(cfg);
    void consent.withdraw('analytics');
    await consent.ready;
    expect(consent.state('analytics')).toBe('denied');
  });

  it('Accept all then a withdrawal, not awaited in between: stored, sent to other tabs and receipted in that order', async () => {
    const storageName = freshName();
    const cfg = config({ storageName });
    const tab = createConsent(cfg);
    const other = createConsent(config({ storageName }));
    await Promise.all([tab.ready, other.ready]);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now); // both in the same millisecond
    await Promise.all([tab.decideAll(true, { method: 'banner' }), tab.withdraw('analytics')]);
    vi.restoreAllMocks();
    await vi.waitFor(() => expect(other.state()).toMatchObject({ analytics: 'denied', marketing: 'granted' }));
    // Both messages are in: the later one (the withdrawal) is what holds.
    await settle(50);
    expect(other.state()).toMatchObject({ analytics: 'denied', marketing: 'granted' });
    expect((await tab.receipts()).map((r) => r.method)).toEqual(['banner', 'api']);
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state()).toMatchObject({ analytics: 'denied', marketing: 'granted' });
  });

  it('a reset right after a decision is not undone by a reload', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    const decided = consent.decideAll(true);
    await consent.reset();
    await decided;
    expect(consent.state('analytics')).toBe('undecided');
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state('analytics')).toBe('undecided');
  });

});

describe('decideAll and withdraw (SEP-01, WDR-03)', () => {
  it('Accept all never grants a sensitive purpose; Reject all denies every optional one', async () => {
    const consent = createConsent(config());
    await consent.decideAll(true, { method: 'banner' });
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'granted', 'credit-scoring': 'undecided' });
    await consent.decideAll(false, { method: 'banner' });
    expect(consent.state()).toMatchObject({ analytics: 'denied', marketing: 'denied', 'credit-scoring': 'denied', necessary: 'granted' });
  });

  it('withdrawing clears the purpose’s cookies and localStorage and stops its gate', async () => {
    const consent = createConsent(config());
    const track = vi.fn();
    const send = consent.gate('analytics', track);
    await consent.decide({ analytics: true });
    localStorage.setItem('_stats', 'id-123');
    document.cookie = '_stats=id-123; path=/';
    send();
    await consent.withdraw();
    send();
    expect(track).toHaveBeenCalledTimes(1);
    expect(localStorage.getItem('_stats')).toBeNull();
    expect(document.cookie).not.toContain('_stats=id-123');
  });

  it('a yes given before a purpose was marked sensitive no longer counts (SEP-01)', async () => {
    const storageName = freshName();
    // The same purposes as before the site marked credit scoring sensitive.
    const ordinary = purposes.map((p) => Object.fromEntries(Object.entries(p).filter(([key]) => key != 'sensitive'))) as unknown as typeof purposes;
    await createConsent(config({ storageName, purposes: ordinary })).decideAll(true, { method: 'banner' });
    const later = createConsent(config({ storageName }));
    await later.ready;
    expect(later.state()).toMatchObject({ analytics: 'granted', 'credit-scoring': 'undecided' });
  });

  it('refuses to switch off a necessary purpose silently and rejects bad values', async () => {
    const consent = createConsent(config());
    await consent.decide({ necessary: false });
    expect(consent.has('necessary')).toBe(true);
    expect(await consent.receipts()).toEqual([]); // no proof of a choice the person could not make
    await expect(consent.decide({ analytics: 'yes' as unknown as boolean })).rejects.toThrow(/decide\.analytics: must be true or false/);
  });

  it('reset forgets decisions but keeps the proof, adding the end of the yes', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true });
    await consent.reset();
    expect(consent.state('analytics')).toBe('undecided');
    expect((await consent.receipts()).map((r) => r.method)).toEqual(['api', 'reset']);
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state('analytics')).toBe('undecided');
  });

  // A deploy drops marketing; the person asks to forget their choices (reset) or withdraws everything; a later deploy
  // brings marketing back unchanged: it is asked again, never granted by the old yes.
  it.each([
    ['reset forgets', 'reset', 'undecided'],
    ['withdrawing everything forgets', 'withdraw', 'denied'],
  ] as const)('%s the decisions about purposes the config no longer has: one added back later is asked again', async (_, act, analytics) => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decideAll(true);
    const without = createConsent(config({ storageName, purposes: purposes.filter((p) => p.id != 'marketing') }));
    await without.ready;
    await without[act]();
    const after = createConsent(config({ storageName }));
    await after.ready;
    expect(after.state()).toMatchObject({ analytics, marketing: 'undecided' });
  });

  it('withdrawing everything where the config has only necessary purposes left forgets the old yes and proves its end', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ analytics: true });
    const without = createConsent(config({ storageName, purposes: purposes.filter((p) => p.id == 'necessary') }));
    await without.ready;
    await without.withdraw(undefined, { method: 'preferences' });
    expect((await without.receipts()).at(-1)).toMatchObject({ method: 'preferences', choices: {}, withdrawn: ['analytics'] });
    const after = createConsent(config({ storageName }));
    await after.ready;
    expect(after.state('analytics')).toBe('undecided');
  });

  it('withdrawing everything where the config has only necessary purposes and nothing is stored sends the back end no empty receipt', async () => {
    const consent = createConsent(config({ purposes: purposes.filter((p) => p.id == 'necessary') }));
    await consent.ready;
    const sent = vi.fn();
    consent.on('receipt', sent);
    await consent.withdraw(undefined, { method: 'preferences' });
    expect(sent).not.toHaveBeenCalled();
    expect(await consent.receipts()).toEqual([]);
  });
});

describe('Global Privacy Control (GPC-01, GPC-02, GPC-05)', () => {
  it('denies sale purposes with method signal, Accept all does not turn them on, and the opt-out outlives the signal', async () => {
    vi.stubGlobal('navigator', { ...navigator, globalPrivacyControl: true, languages: ['en'] });
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    await settle();
    expect(consent.state('marketing')).toBe('denied');
    await consent.decideAll(true);
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    expect((await consent.receipts())[0]).toMatchObject({ method: 'signal', choices: { marketing: false } });
    vi.unstubAllGlobals();
    const later = createConsent(cfg);
    await later.ready;
    expect(later.state('marketing')).toBe('denied');
    // Without the signal, a blanket Accept all is still no opt-in to the sale; the person's own yes to it is.
    expect(later.inAcceptAll('marketing')).toBe(false);
    await later.decideAll(true, { method: 'banner' });
    expect(later.state()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    await later.decide({ marketing: true }, { method: 'preferences' });
    expect(later.state('marketing')).toBe('granted');
    expect(later.inAcceptAll('marketing')).toBe(true);
  });

  it('keeps the opt-out through a later no: after Reject all under the signal, Accept all without it still leaves the sale off (GPC-05)', async () => {
    const cfg = config();
    vi.stubGlobal('navigator', { ...navigator, globalPrivacyControl: true, languages: ['en'] });
    try {
      const withSignal = createConsent(cfg);
      await withSignal.ready;
      await settle();
      await withSignal.decideAll(false, { method: 'banner' });
    } finally {
      vi.unstubAllGlobals();
    }
    const later = createConsent(cfg);
    await later.ready;
    expect(later.inAcceptAll('marketing')).toBe(false);
    await later.decideAll(true, { method: 'banner' });
    expect(later.state()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
  });

  it('overrides an earlier yes to a sale given without the signal; keeps one the person gave while it was sent (GPC-01)', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ marketing: true }, { method: 'preferences' });
    vi.stubGlobal('navigator', { ...navigator, globalPrivacyControl: true, languages: ['en'] });
    try {
      const withSignal = createConsent(cfg);
      await withSignal.ready;
      expect(withSignal.state('marketing')).toBe('denied');
      await withSignal.decide({ marketing: true }, { method: 'preferences' });
      const receipts = await withSignal.receipts();
      expect(receipts.map((r) => [r.method, r.gpc])).toEqual([['preferences', undefined], ['signal', true], ['preferences', true]]);
      const again = createConsent(cfg);
      await again.ready;
      expect(again.state('marketing')).toBe('granted');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('events', () => {
  it('isolates a throwing listener, reports it, and mirrors events on window', async () => {
    const consent = createConsent(config());
    const seen: string[] = [];
    const windowEvents: unknown[] = [];
    const onWindow = (e: Event) => windowEvents.push((e as CustomEvent).detail);
    window.addEventListener('consent:change', onWindow);
    consent.on('change', () => {
      throw new Error('broken listener');
    });
    consent.on('change', (e) => seen.push(...e.changed));
    consent.on('error', (e) => seen.push(e.code));
    await consent.decide({ analytics: true });
    window.removeEventListener('consent:change', onWindow);
    expect(seen).toEqual(['callback', 'analytics']);
    expect(windowEvents).toHaveLength(1);
    expect(consent.has('analytics')).toBe(true);
  });

  it('replays the current state to a late change listener and stops after unsubscribe', async () => {
    const consent = createConsent(config());
    const listener = vi.fn();
    const off = consent.on('change', listener, { replay: true });
    expect(listener).toHaveBeenCalledWith({ states: consent.state(), changed: [] });
    off();
    await consent.decide({ analytics: true });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('refuses a misspelt event, which would never fire, and a listener that is not a function, which would fail at every change', async () => {
    const consent = createConsent(config());
    const on = consent.on as (event: string, listener: unknown) => () => void;
    expect(() => on('chnage', () => undefined)).toThrow('Optin config: on: "chnage" is no event; did you mean "change"?');
    expect(() => on('click', () => undefined)).toThrow('use change,decision,receipt,error');
    expect(() => on('change', null)).toThrow('on: the listener must be a function');
    const errors = vi.fn();
    consent.on('error', errors);
    await consent.decide({ analytics: true });
    expect(errors).not.toHaveBeenCalled();
  });
});

/** Two tabs of one site on one database, both started. */
async function twoTabs() {
  const storageName = freshName();
  const [a, b] = [createConsent(config({ storageName })), createConsent(config({ storageName }))];
  await Promise.all([a.ready, b.ready]);
  return { a, b, storageName };
}

/**
 * A tab that has hashed nothing yet and hashes slowly (every disclosure, or those containing `slow`), so that
 * checking a message takes a while; and the hashes another tab computed for its messages.
 */
async function slowTab(slow = '') {
  const storageName = freshName();
  const tab = createConsent(config({ storageName }));
  await tab.ready;
  const sender = createConsent(config({ storageName: freshName() }));
  const hashes = { analytics: await sender.disclosureHash('analytics', 'en'), marketing: await sender.disclosureHash('marketing', 'en') };
  const digest = crypto.subtle.digest.bind(crypto.subtle);
  vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (algorithm, data) => {
    if (new TextDecoder().decode(data).includes(slow)) await settle(30);
    return digest(algorithm, data);
  });
  const at = Date.now();
  const record = (purpose: 'analytics' | 'marketing', granted: boolean) => ({ v: 1, purpose, granted, at, expires: at + DAY, policy: '2026-11', hash: hashes[purpose], locale: 'en', method: 'api' });
  return { tab, record, channel: new BroadcastChannel('optin:' + storageName) };
}

describe('other tabs (GATE-08)', () => {
  it('a decision in one instance reaches another through BroadcastChannel and runs its held calls', async () => {
    const storageName = freshName();
    const tabA = createConsent(config({ storageName }));
    const tabB = createConsent(config({ storageName }));
    await Promise.all([tabA.ready, tabB.ready]);
    const sent: number[] = [];
    const send = tabB.gate('analytics', (n: number) => sent.push(n));
    send(1);
    send(2);
    await tabA.decide({ analytics: true });
    await vi.waitFor(() => expect(tabB.has('analytics')).toBe(true));
    expect(sent).toEqual([1, 2]);
    await tabA.withdraw('analytics');
    await vi.waitFor(() => expect(tabB.has('analytics')).toBe(false));
    send(3);
    expect(sent).toEqual([1, 2]);
  });

  it('without IndexedDB (a browser with it turned off), a no in one tab still stops the others', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      const storageName = freshName();
      const tabA = createConsent(config({ storageName }));
      const tabB = createConsent(config({ storageName }));
      await Promise.all([tabA.ready, tabB.ready]);
      // Decisions live in each tab's memory only: the person said yes in both.
      await tabA.decide({ analytics: true });
      await tabB.decide({ analytics: true });
      const sent: string[] = [];
      const track = tabB.gate('analytics', (page: string) => sent.push(page));
      await tabA.withdraw('analytics');
      await settle(50);
      track('/after-the-no');
      expect(sent).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('ignores a message older than the decision it would replace (a stale yes never overwrites a withdrawal)', async () => {
    const storageName = freshName();
    const tab = createConsent(config({ storageName }));
    await tab.ready;
    await tab.withdraw('analytics');
    const hash = await tab.disclosureHash('analytics', 'en');
    const channel = new BroadcastChannel('optin:' + storageName);
    channel.postMessage({ records: [{ v: 1, purpose: 'analytics', granted: true, at: Date.now() - 60_000, expires: Date.now() + 864e5, policy: '2026-11', hash, locale: 'en', method: 'api' }] });
    await settle(50);
    channel.close();
    expect(tab.state('analytics')).toBe('denied');
  });

  it('applies messages in the order they were sent, even when checking the first one takes longer', async () => {
    // The marketing disclosure is hashed slowly here, so the first message takes longer to check than the second.
    const { tab, record, channel } = await slowTab('Advertising');
    channel.postMessage({ records: [record('analytics', true), record('marketing', true)] }); // Accept all
    channel.postMessage({ records: [record('analytics', false)] }); // then a withdrawal, in the same millisecond
    await vi.waitFor(() => expect(tab.state('marketing')).toBe('granted'));
    await settle(50);
    channel.close();
    expect(tab.state('analytics')).toBe('denied');
  });

  it('a reset from another tab is not overtaken by a yes it sent before (still being checked here)', async () => {
    const { tab, record, channel } = await slowTab();
    channel.postMessage({ records: [record('marketing', true)] });
    channel.postMessage({ reset: true });
    await settle(120);
    channel.close();
    expect(tab.state('marketing')).toBe('undecided');
  });

  it('a decision made here while a reset from another tab waits to be applied is kept, as it is there', async () => {
    const { tab, record, channel } = await slowTab();
    channel.postMessage({ records: [record('marketing', true)] });
    channel.postMessage({ reset: true, at: Date.now() });
    await settle(2); // the person decides here a moment later, while the reset still waits behind the record
    await tab.decide({ analytics: true });
    await settle(120);
    channel.close();
    expect(tab.state()).toMatchObject({ analytics: 'granted', marketing: 'undecided' });
  });

  /** Another tab holds the receipts' Web Lock until `release()`: this tab's saves wait (a busy or stalled IndexedDB). */
  const holdLock = () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    vi.stubGlobal('navigator', { ...navigator, languages: ['en'], locks: { request: async (_name: string, fn: () => unknown) => (await held, fn()) } });
    return release;
  };

  describe('while this tab’s storage hangs (another tab holds the receipts’ Web Lock for ever)', () => {
    const stall = () => {
      holdLock();
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    };
    const realTimeout = setTimeout;
    const wait = (ms: number) => new Promise((resolve) => realTimeout(resolve, ms));
    afterEach(() => {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    });

    it('a yes reaches the other tab only once it is kept with its receipt (in memory after 5 s)', async () => {
      const { a, b } = await twoTabs();
      stall();
      void a.decide({ marketing: true });
      await wait(100);
      expect(b.state('marketing')).toBe('undecided');
      await vi.advanceTimersByTimeAsync(5000);
      await vi.waitFor(() => expect(b.state('marketing')).toBe('granted'));
    });

    it('a no reaches the other tab at once, so it stops collecting with this one', async () => {
      const { a, b } = await twoTabs();
      await a.decide({ analytics: true });
      await vi.waitFor(() => expect(b.state('analytics')).toBe('granted'));
      stall();
      void a.withdraw('analytics');
      await vi.waitFor(() => expect(b.state('analytics')).toBe('denied'));
    });
  });

  describe('while this tab’s saves wait for the receipts’ Web Lock (held by another tab until released)', () => {
    afterEach(() => vi.unstubAllGlobals());

    it.each([
      ['a no from another tab', (b: Consent) => b.decide({ analytics: false }), 'denied'],
      ['a reset in another tab', (b: Consent) => b.reset(), 'undecided'],
    ])('a yes overtaken by %s is neither told to a tab opened meanwhile nor stored over it', async (_, overtake, after) => {
      const storageName = freshName();
      const release = holdLock();
      const [a, b] = [createConsent(config({ storageName })), createConsent(config({ storageName }))];
      await Promise.all([a.ready, b.ready]);
      void a.decide({ analytics: true }); // its save waits for the lock
      await settle(20);
      void overtake(b);
      await vi.waitFor(() => expect(a.state('analytics')).toBe(after));
      const opened = createConsent(config({ storageName })); // storage holds no yes yet
      await opened.ready;
      release();
      await settle(150);
      expect([a.state('analytics'), b.state('analytics')]).toEqual([after, after]);
      // It heard of nothing before it opened (undecided: no consent), and must not take the old yes for the last word.
      expect(opened.state('analytics')).toBe('undecided');
      vi.unstubAllGlobals();
      const reloaded = createConsent(config({ storageName }));
      await reloaded.ready;
      expect(reloaded.state('analytics')).toBe(after);
      // The yes was given all the same: its receipt is kept.
      expect((await a.receipts()).map((r) => r.choices)).toContainEqual({ analytics: true });
    });

    it('a withdrawal reaches other tabs at once, also while an earlier yes of this tab waits to be stored', async () => {
      const { a, b } = await twoTabs();
      await a.decide({ analytics: true });
      await vi.waitFor(() => expect(b.state('analytics')).toBe('granted'));
      const release = holdLock();
      void a.decide({ marketing: true });
      void a.withdraw('analytics');
      await vi.waitFor(() => expect(b.state('analytics')).toBe('denied'));
      expect(b.state('marketing')).toBe('undecided');
      release();
      await vi.waitFor(() => expect(b.state('marketing')).toBe('granted'));
    });
  });

  it('a reset in one tab and a later decision in another, crossing on the way, end the same in both', async () => {
    const { a, b } = await twoTabs();
    // Near the real time: tabs hear of a decision once it is stored, which may be after the clock is restored, and
    // a record dated years ahead of the real clock would not count.
    const start = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(start);
    const reset = a.reset();
    now.mockReturnValue(start + 10);
    const decided = b.decide({ analytics: true }); // before the reset reaches b
    await Promise.all([reset, decided]);
    vi.restoreAllMocks();
    await vi.waitFor(() => expect([a.state('analytics'), b.state('analytics')]).toEqual(['granted', 'granted']));
  });

  it('after the clock was set back, a withdrawal and a reset still reach the other tab and storage', async () => {
    const { a, b, storageName } = await twoTabs();
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_900_000_200_000);
    await a.decide({ analytics: true, marketing: true });
    await vi.waitFor(() => expect(b.state()).toMatchObject({ analytics: 'granted', marketing: 'granted' }));
    now.mockReturnValue(1_900_000_100_000); // the system clock is set back
    await a.withdraw('analytics');
    await vi.waitFor(() => expect(b.state('analytics')).toBe('denied'));
    await a.reset();
    await vi.waitFor(() => expect(b.state('marketing')).toBe('undecided'));
    expect(a.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
    const reloaded = createConsent(config({ storageName }));
    await reloaded.ready;
    expect(reloaded.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
  });

  it('two tabs deciding the same purpose at the same moment end the same: the no holds in both', async () => {
    const { a, b } = await twoTabs();
    vi.spyOn(Date, 'now').mockReturnValue(1_900_000_000_000);
    await Promise.all([a.decide({ analytics: true }), b.decide({ analytics: false })]);
    await settle(50);
    expect([a.state('analytics'), b.state('analytics')]).toEqual(['denied', 'denied']);
  });

  it('a decision overtaken while it waits to be stored (by a newer one from another tab) is not stored over it', async () => {
    const { tab, channel } = await slowTab('Advertising');
    const hash = await tab.disclosureHash('analytics', 'en');
    void tab.decide({ marketing: true }); // its disclosure hashes slowly: what follows waits behind it
    const yes = tab.decide({ analytics: true });
    const at = Date.now() + 10;
    channel.postMessage({ records: [{ v: 1, purpose: 'analytics', granted: false, at, expires: at + DAY, policy: '2026-11', hash, locale: 'en', method: 'api' }] });
    await vi.waitFor(() => expect(tab.state('analytics')).toBe('denied'));
    await yes;
    channel.close();
    expect((await tab.receipts()).map((r) => r.choices)).toEqual([{ marketing: true }, { analytics: true }]);
    const reloaded = createConsent(tab.config);
    await reloaded.ready;
    expect(reloaded.state('analytics')).not.toBe('granted');
  });

  it('a yes another tab made before a reset here, arriving after it, changes nothing', async () => {
    const storageName = freshName();
    const tab = createConsent(config({ storageName }));
    await tab.ready;
    const hash = await tab.disclosureHash('marketing', 'en');
    const before = Date.now() - 1000;
    await tab.decide({ marketing: true });
    await tab.reset();
    const channel = new BroadcastChannel('optin:' + storageName);
    channel.postMessage({ records: [{ v: 1, purpose: 'marketing', granted: true, at: before, expires: before + DAY, policy: '2026-11', hash, locale: 'en', method: 'api' }] });
    await settle(50);
    channel.close();
    expect(tab.state('marketing')).toBe('undecided');
  });

  it('a no in a tab opened on a newer policy version, or a changed disclosure, stops a tab still open on the old one', async () => {
    const storageName = freshName();
    const old = createConsent(config({ storageName }));
    await old.ready;
    await old.decide({ analytics: true, marketing: true });
    const sent: string[] = [];
    const track = old.gate('analytics', (page: string) => sent.push(page));
    const revised = purposes.map((p) => (p.id == 'marketing' ? { ...p, data: ['ad clicks', 'location'] } : p));
    // The site deployed a new policy and a new marketing text; a second tab loads it and the person says no there.
    const fresh = createConsent(config({ storageName, policy: { version: '2027-01', url: '/privacy' }, purposes: revised }));
    await fresh.ready;
    await fresh.decideAll(false);
    await settle(50);
    track('/after-the-no');
    expect(old.state()).toMatchObject({ analytics: 'denied', marketing: 'denied' });
    expect(sent).toEqual([]);
  });

  it('a yes from a tab still open on an older policy version, or with a disclosure hash not shown here, does not count', async () => {
    const storageName = freshName();
    const tab = createConsent(config({ storageName }));
    await tab.ready;
    const hash = await tab.disclosureHash('analytics', 'en');
    const at = Date.now();
    const yes = { v: 1, purpose: 'analytics', granted: true, at, expires: at + DAY, policy: '2026-11', hash, locale: 'en', method: 'api' };
    const channel = new BroadcastChannel('optin:' + storageName);
    channel.postMessage({ records: [{ ...yes, policy: '2026-01' }] });
    channel.postMessage({ records: [{ ...yes, purpose: 'marketing' }] }); // the analytics disclosure's hash
    await settle(50);
    channel.close();
    expect(tab.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
  });

  it('a reset from a tab whose clock runs an hour fast does not make this tab ignore the decisions that follow it', async () => {
    const storageName = freshName();
    const tab = createConsent(config({ storageName }));
    await tab.ready;
    const hash = await tab.disclosureHash('analytics', 'en');
    await tab.decide({ analytics: true });
    const channel = new BroadcastChannel('optin:' + storageName);
    channel.postMessage({ reset: true, at: Date.now() + 3600e3 });
    await settle(50);
    const at = Date.now() + 10;
    channel.postMessage({ records: [{ v: 1, purpose: 'analytics', granted: false, at, expires: at + DAY, policy: '2026-11', hash, locale: 'en', method: 'api' }] });
    await settle(50);
    channel.close();
    expect(tab.state('analytics')).toBe('denied');
  });

  it('of two records for one purpose in one message, the later word holds, wherever the older yes comes in the list', async () => {
    const storageName = freshName();
    const tab = createConsent(config({ storageName }));
    await tab.ready;
    const hash = await tab.disclosureHash('analytics', 'en');
    const record = (granted: boolean, at: number) => ({ v: 1, purpose: 'analytics', granted, at, expires: at + DAY, policy: '2026-11', hash, locale: 'en', method: 'api' });
    const now = Date.now();
    // A message of another SDK version batching what it heard, or a malformed one: the no was made after the yes.
    const channel = new BroadcastChannel('optin:' + storageName);
    channel.postMessage({ records: [record(false, now + 2), record(true, now + 1)] });
    channel.postMessage({ records: [record(true, now + 3), record(false, now + 3)].reverse() });
    await settle(50);
    channel.close();
    expect(tab.state('analytics')).toBe('denied');
  });

  it('ignores a forged message from another tab', async () => {
    const storageName = freshName();
    const tab = createConsent(config({ storageName }));
    await tab.ready;
    const channel = new BroadcastChannel('optin:' + storageName);
    channel.postMessage({ records: [{ v: 1, purpose: 'credit-scoring', granted: true, at: 1, expires: 9e15, policy: '2026-11', hash: 'forged', locale: 'en', method: 'api' }] });
    channel.postMessage('nonsense');
    await settle(50);
    channel.close();
    expect(tab.has('credit-scoring')).toBe(false);
  });
});

describe('a page back from the back/forward cache (WDR-03)', () => {
  /**
   * This page, with a yes to analytics and a call held for marketing, then left for another page of the site (`other`)
   * whose messages never reach it, as Safari drops them while it is cached; `back()` restores it.
   */
  async function cachedPage() {
    const storageName = freshName();
    const page = createConsent(config({ storageName }));
    await page.decide({ analytics: true });
    const sent: string[] = [];
    const beat = page.gate('analytics', () => sent.push('beat'));
    page.gate('marketing', () => sent.push('pixel'))();
    const other = createConsent(config({ storageName }));
    await other.ready;
    vi.spyOn(BroadcastChannel.prototype, 'postMessage').mockImplementation(() => undefined);
    const back = () => window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    return { page, other, sent, beat, back };
  }

  it('a withdrawal made on another page meanwhile stops its collection once it is shown again', async () => {
    const { page, other, sent, beat, back } = await cachedPage();
    await other.withdraw();
    expect(page.has('analytics'), 'not told while cached').toBe(true);
    back();
    await vi.waitFor(() => expect(page.state()).toMatchObject({ analytics: 'denied', marketing: 'denied' }));
    beat();
    expect(sent, 'no beat, and the held pixel dropped').toEqual([]);
  });

  it('a yes given on another page meanwhile runs its held calls; a reset there makes it undecided', async () => {
    const { page, other, sent, back } = await cachedPage();
    await other.decide({ marketing: true });
    back();
    await vi.waitFor(() => expect(sent).toEqual(['pixel']));
    await other.reset();
    back();
    await vi.waitFor(() => expect(page.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' }));
  });
});

describe('the standing opt-out of a sale and what is held at start-up under the signal (GPC-02, GPC-05)', () => {
  const gpcOn = () => vi.stubGlobal('navigator', { ...navigator, globalPrivacyControl: true, languages: ['en'] });
  afterEach(() => vi.unstubAllGlobals());
  /** A page view with the signal on database `storageName`, then the signal is off again. */
  const visitWithSignal = async (storageName: string) => {
    gpcOn();
    const withSignal = createConsent(config({ storageName }));
    await withSignal.ready;
    await settle();
    vi.unstubAllGlobals();
    return withSignal;
  };

  it('under GPC, a sale call held during start-up never runs on an earlier yes the signal overrides', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ marketing: true }, { method: 'preferences' });
    gpcOn();
    const consent = createConsent(config({ storageName }));
    const seen: string[] = [];
    consent.on('change', ({ states }) => seen.push(states.marketing));
    const sent: string[] = [];
    const pixel = consent.gate('marketing', (e: string) => sent.push(e));
    pixel('page-view'); // before the stored decisions are read: held
    await consent.ready;
    await settle();
    expect(consent.state('marketing')).toBe('denied');
    expect(sent).toEqual([]);
    expect(seen).not.toContain('granted'); // and `change` (consent mode, blocked scripts) said granted first
  });

  it('a yes to a sale that the site’s code gave through the API under the signal is no opt-in by the person: the next visit with the signal opts out again', async () => {
    const storageName = freshName();
    gpcOn();
    await createConsent(config({ storageName })).decide({ marketing: true }); // method: 'api'
    const again = createConsent(config({ storageName }));
    await again.ready;
    expect(again.state('marketing')).toBe('denied');
  });

  it('a GPC opt-out of a sale survives a policy version bump', async () => {
    const storageName = freshName();
    expect((await visitWithSignal(storageName)).state('marketing')).toBe('denied');
    const later = createConsent(config({ storageName, policy: { version: '2027-01', url: 'https://lantern.example/privacy' } }));
    await later.ready;
    expect(later.inAcceptAll('marketing')).toBe(false);
  });

  it('the opt-out survives the expiry of the no that holds it', async () => {
    const storageName = freshName();
    await visitWithSignal(storageName);
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 200 * DAY);
    const later = createConsent(config({ storageName }));
    await later.ready;
    expect(later.state('marketing')).toBe('undecided');
    expect(later.inAcceptAll('marketing')).toBe(false);
    await later.decideAll(true);
    expect(later.state('marketing')).toBe('undecided');
  });

  it('a visit with the signal records the opt-out also over an earlier own no', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decideAll(false, { method: 'banner' });
    await visitWithSignal(storageName);
    const later = createConsent(config({ storageName }));
    await later.ready;
    expect(later.inAcceptAll('marketing')).toBe(false);
  });

  it('Accept all made before ready keeps a stored GPC opt-out of a sale', async () => {
    const storageName = freshName();
    await visitWithSignal(storageName);
    const later = createConsent(config({ storageName }));
    const accepted = later.decideAll(true, { method: 'banner' }); // before the stored decisions are read
    await later.ready;
    await accepted;
    expect(later.state('marketing')).not.toBe('granted');
  });

  it('a second visit under GPC does not record the standing opt-out again', async () => {
    const storageName = freshName();
    gpcOn();
    const first = createConsent(config({ storageName }));
    await first.ready;
    await settle();
    expect((await first.receipts()).map((r) => r.method)).toEqual(['signal']);
    const second = createConsent(config({ storageName }));
    const decisions: string[] = [];
    second.on('decision', (d) => decisions.push(d.method));
    await second.ready;
    await settle();
    expect(decisions).toEqual([]);
    expect((await second.receipts()).map((r) => r.method)).toEqual(['signal']);
  });

  it('a Reject all given before ready keeps the stored GPC opt-out: a later Accept all leaves the sale off', async () => {
    const storageName = freshName();
    await visitWithSignal(storageName);
    const later = createConsent(config({ storageName }));
    void later.decideAll(false, { method: 'banner' }); // Reject all, clicked before the stored decisions are read
    await later.ready;
    await settle();
    expect(later.inAcceptAll('marketing')).toBe(false);
    await later.decideAll(true, { method: 'banner' });
    expect(later.state('marketing')).toBe('denied');
  });

  it('a reset made while the stored decisions load forgets the stored opt-out, as a reset after ready does', async () => {
    const afterReady = createConsent(config({ storageName: await visitWithSignal(freshName()).then((c) => c.config.storageName!), policy: { version: '2027-01', url: 'https://lantern.example/privacy' } }));
    await afterReady.ready;
    expect(afterReady.inAcceptAll('marketing')).toBe(false);
    await afterReady.reset();
    expect(afterReady.inAcceptAll('marketing')).toBe(true); // control: reset() ends it

    const duringLoad = createConsent(config({ storageName: await visitWithSignal(freshName()).then((c) => c.config.storageName!), policy: { version: '2027-01', url: 'https://lantern.example/privacy' } }));
    const reset = duringLoad.reset(); // before ready
    await duringLoad.ready;
    await reset;
    expect(duringLoad.inAcceptAll('marketing')).toBe(true);
  });

  it('under GPC, a sale purpose is denied (method signal) even when IndexedDB is unavailable', async () => {
    gpcOn();
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('blocked by the browser', 'SecurityError');
    });
    const consent = createConsent(config());
    await consent.ready;
    expect(consent.memoryOnly).toBe(true);
    expect(consent.state('marketing')).toBe('denied');
  });
});

describe('Accept all before the stored decisions are read', () => {
  it('Accept all clicked before ready overrides a stored no made on an earlier visit whose clock ran a few hours fast', async () => {
    const cfg = config();
    const real = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(real + 2 * 3600e3); // the clock was 2 h fast then
    await createConsent(cfg).decide({ analytics: false }, { method: 'banner' });
    vi.restoreAllMocks();
    const consent = createConsent(cfg);
    const accepted = consent.decideAll(true, { method: 'banner' }); // before the stored decisions are read
    await consent.ready;
    await accepted;
    expect(consent.state('analytics')).toBe('granted'); // the click is the person's latest act
  });

  it('waits for them, and a withdrawal or a reset made after the click while it waited stays', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: false });
    const consent = createConsent(cfg);
    const accepted = consent.decideAll(true, { method: 'banner' });
    void consent.withdraw('marketing');
    await accepted;
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    await settle(5); // past the times of those decisions, which may run a few ms ahead of the clock
    const again = createConsent(cfg);
    const acceptedAgain = again.decideAll(true, { method: 'banner' });
    await again.reset();
    await acceptedAgain;
    expect(again.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
  });
});

describe('consent lifetime (GATE-05)', () => {
  // Only Date is faked: IndexedDB and the tests' own waits keep real timers.
  afterEach(() => vi.useRealTimers());
  /** A new page view `days` after the decisions, on the same database. */
  const visit = async (cfg: ConsentConfig, start: number, days: number) => {
    vi.setSystemTime(start + days * DAY);
    const consent = createConsent(cfg);
    await consent.ready;
    return consent;
  };

  it('by default a yes lasts 180 days (under 12 months), then the purpose is asked again; a no still holds 5 months on', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const cfg = config();
    expect(cfg).not.toHaveProperty('expiresAfterDays');
    await createConsent(cfg).decide({ analytics: true, marketing: false }, { method: 'banner' });
    const record = (await get(['d', 'analytics'], createStore(cfg.storageName, 'keyval'))) as { at: number; expires: number };
    expect(record.expires - record.at).toBe(180 * DAY);
    expect(record.expires - record.at).toBeLessThanOrEqual(365 * DAY);

    const fiveMonths = await visit(cfg, start, 152);
    expect(fiveMonths.state()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    // The no is remembered: require does not ask again, it refuses at once.
    await expect(fiveMonths.require('marketing')).rejects.toBeInstanceOf(ConsentDeniedError);

    const lastDay = await visit(cfg, start, 180 - 1 / 24);
    expect(lastDay.state('analytics')).toBe('granted');
    const expired = await visit(cfg, start, 180 + 1 / 24);
    expect(expired.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });

    // Twelve months and a day later: asked again. require() waits for the new answer instead of resolving.
    const yearLater = await visit(cfg, start, 366);
    expect(yearLater.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
    let settled = false;
    const asked = yearLater.require('analytics').finally(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    await yearLater.decide({ analytics: true });
    await expect(asked).resolves.toBeUndefined();
  });

  it('a site may set up to 395 days (13 months): a yes then ends on day 395, and 396 is refused', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const cfg = config({ expiresAfterDays: 395 });
    await createConsent(cfg).decide({ analytics: true });
    expect((await visit(cfg, start, 395 - 1 / 24)).state('analytics')).toBe('granted');
    expect((await visit(cfg, start, 395)).state('analytics')).toBe('undecided');
    expect(() => createConsent(config({ expiresAfterDays: 396 }))).toThrow(ConsentConfigError);
  });
});

describe('stored records that must not count (GATE-05, GATE-08)', () => {
  it('a stored yes dated more than a day ahead (the clock was fast) counts as no decision, however long ago it was given (GATE-05)', async () => {
    const cfg = config({ expiresAfterDays: 180 });
    const real = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(real + 365 * DAY); // the clock was a year fast when the yes was given
    await createConsent(cfg).decide({ analytics: true }, { method: 'banner' });
    for (const days of [0, 400]) {
      vi.spyOn(Date, 'now').mockReturnValue(real + days * DAY);
      const later = createConsent(cfg);
      await later.ready;
      expect(later.state('analytics'), `${days} days later`).toBe('undecided');
    }
    vi.restoreAllMocks();
    // Asked again: the new answer is stored over it.
    await createConsent(cfg).decide({ analytics: false });
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state('analytics')).toBe('denied');
  });

  it('a shorter expiresAfterDays also ends decisions stored under a longer one', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName, expiresAfterDays: 395 })).decide({ analytics: true });
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 100 * DAY);
    const later = createConsent(config({ storageName, expiresAfterDays: 30 }));
    await later.ready;
    expect(later.has('analytics')).toBe(false);
  });

  it('a record stored under another purpose key does not override the real, newer no', async () => {
    const cfg = config();
    const hash = await createConsent(cfg).disclosureHash('analytics', 'en');
    const raw = createStore(cfg.storageName, 'keyval');
    const now = Date.now();
    const rec = (granted: boolean, at: number) => ({ v: 1, purpose: 'analytics', granted, at, expires: now + DAY, policy: '2026-11', hash, locale: 'en', method: 'api' });
    await set(['d', 'analytics'], rec(false, now - 1000), raw);
    await set(['d', 'marketing'], rec(true, now - 5000), raw); // a stale analytics yes under marketing's key
    const consent = createConsent(cfg);
    await consent.ready;
    expect(consent.state('analytics')).toBe('denied');
  });

  it('a purpose answered since its disclosure changed is not called changed after a reset', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ analytics: true });
    const changed = purposes.map((p) => (p.id == 'analytics' ? { ...p, data: [...p.data, 'scroll depth'] } : p));
    const consent = createConsent(config({ storageName, purposes: changed }));
    await consent.ready;
    expect(consent.revised('analytics')).toBe(true);
    await consent.decide({ analytics: true });
    await consent.reset();
    expect(consent.revised('analytics')).toBe(false);
  });
});

describe('callbacks and waits that must not break the page', () => {
  it('a replayed change listener that throws is reported, not thrown, and stays subscribed', async () => {
    const consent = createConsent(config());
    await consent.ready;
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.code));
    let calls = 0;
    const listener = () => {
      calls++;
      if (calls == 1) throw new Error('render failed');
    };
    expect(() => consent.on('change', listener, { replay: true })).not.toThrow();
    expect(errors).toEqual(['callback']);
    await consent.decide({ analytics: true });
    expect(calls).toBe(2);
  });

  it('require timeoutMs is honoured while the stored decisions are still loading', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest); // blocked: ready takes 5 s
    const consent = createConsent(config());
    let outcome = 'pending';
    consent.require('analytics', { timeoutMs: 50 }).then(() => (outcome = 'resolved'), (e: { code: string }) => (outcome = e.code));
    await settle(300);
    expect(outcome).toBe('timeout');
  });

  it('require honours an abort while the stored decisions are still loading', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest);
    const consent = createConsent(config());
    const controller = new AbortController();
    const result = consent.require('analytics', { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('left the page'));
    expect(((await result) as Error).message).toBe('left the page');
  });

  it('a prompt that throws synchronously is reported as a callback error', async () => {
    const consent = createConsent(config());
    await consent.ready;
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.code));
    consent.attach({ prompt: () => { throw new Error('render failed'); }, show() {}, showPreferences() {} } satisfies ConsentUI);
    const error = (await consent.require('analytics').catch((e: unknown) => e)) as { code?: string };
    expect(error.code).toBe('callback');
    expect(errors).toEqual(['callback']);
  });
});

// An app that replaces its instance (a hot module reload, a test, a micro-frontend torn down) ends the old one: it
// must stop collecting there, not live on beside the new one and run its old gated code on the new one's decisions.
describe('dialogs attached', () => {
  it('detaching dialogs that were replaced (a component mounted twice) leaves the new ones attached', () => {
    const consent = createConsent(config());
    const dialogs = () => ({ show: vi.fn(), showPreferences: vi.fn(), prompt: () => Promise.resolve(false) });
    const [first, second] = [dialogs(), dialogs()];
    const detachFirst = consent.attach(first);
    consent.attach(second);
    detachFirst();
    consent.show(); // a "Cookie settings" link
    expect([first.show.mock.calls.length, second.show.mock.calls.length]).toEqual([0, 1]);
  });
});

describe('destroy()', () => {
  it('an ended instance no longer hears other tabs: its held calls never run and no change fires', async () => {
    const storageName = freshName();
    const old = createConsent(config({ storageName }));
    await old.ready;
    const sent: string[] = [];
    const changes: unknown[] = [];
    old.on('change', (e) => changes.push(e));
    const track = old.gate('analytics', (page: string) => sent.push(page));
    track('/held');
    old.destroy();
    const next = createConsent(config({ storageName }));
    await next.ready;
    await next.decide({ analytics: true });
    await settle(50);
    track('/after');
    expect(sent).toEqual([]);
    expect(changes).toEqual([]);
    expect(old.has('analytics')).toBe(false);
  });

  it('ends an earlier yes there, rejects what waits, and refuses new decisions, without touching storage', async () => {
    const storageName = freshName();
    const old = createConsent(config({ storageName }));
    await old.ready;
    await old.decide({ analytics: true });
    const waiting = old.require('marketing').catch((e: unknown) => e);
    const receipts = (await old.receipts()).length;
    old.destroy();
    expect(((await waiting) as { code?: string }).code).toBe('destroyed');
    expect(old.has('analytics')).toBe(false);
    expect(old.state('analytics')).toBe('undecided');
    const sent: number[] = [];
    old.gate('analytics', (n: number) => sent.push(n))(1);
    expect(sent).toEqual([]);
    expect(((await old.require('analytics').catch((e: unknown) => e)) as { code?: string }).code).toBe('destroyed');
    expect(((await old.decide({ marketing: true }).catch((e: unknown) => e)) as { code?: string }).code).toBe('destroyed');
    const next = createConsent(config({ storageName }));
    await next.ready;
    expect(next.has('analytics')).toBe(true);
    expect(next.has('marketing')).toBe(false);
    expect((await next.receipts()).length).toBe(receipts);
  });
});

describe('destroy() right after a decision or a reset (a view torn down as the person clicks)', () => {
  it('what was decided or reset just before is still stored and told to the other tabs, and nothing rejects', async () => {
    const storageName = freshName();
    const old = createConsent(config({ storageName }));
    const other = createConsent(config({ storageName }));
    await Promise.all([old.ready, other.ready]);
    await old.decide({ analytics: true, marketing: true });
    await vi.waitFor(() => expect(other.has('marketing')).toBe(true));
    // "Delete my data", then the view that offered it is torn down: a yes given before the reset must not come back.
    const withdrawn = old.withdraw('marketing');
    const reset = old.reset();
    const granted = old.decide({ 'credit-scoring': true });
    old.destroy();
    // Rejections with a DOMException (the closed channel) would reach the page as unhandled ones.
    await expect(Promise.all([withdrawn, reset, granted])).resolves.toEqual([undefined, undefined, undefined]);
    // The other tab stops collecting with the no given before the end, and hears the yes that followed the reset.
    await vi.waitFor(() => expect(other.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided', 'credit-scoring': 'granted' }));
    const next = createConsent(config({ storageName }));
    await next.ready;
    expect(next.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided', 'credit-scoring': 'granted' });
    expect((await next.receipts()).map((r) => [r.choices, r.withdrawn])).toEqual([
      [{ analytics: true, marketing: true }, undefined],
      [{ marketing: false }, ['marketing']],
      [{}, ['analytics']], // the reset ended the yes still standing
      [{ 'credit-scoring': true }, undefined],
    ]);
  });

  it('a reset after destroy() rejects with code destroyed, as decide() does, and leaves storage to the next instance', async () => {
    const storageName = freshName();
    const old = createConsent(config({ storageName }));
    await old.decide({ analytics: true });
    old.destroy();
    await settle();
    expect(((await old.reset().catch((e: unknown) => e)) as { code?: string }).code).toBe('destroyed');
    const next = createConsent(config({ storageName }));
    await next.ready;
    expect(next.has('analytics')).toBe(true);
  });
});

// A page whose Object.prototype was polluted (a query-string parser, a deep merge of URL data) must not turn that
// into a yes: the core reads a purpose's own fields only.
describe('a page whose Object.prototype is polluted', () => {
  /** Runs `check` while every object inherits `key: true`. */
  const polluted = async (key: string, check: () => Promise<void> | void) => {
    (Object.prototype as Record<string, unknown>)[key] = true;
    try {
      await check();
    } finally {
      delete (Object.prototype as Record<string, unknown>)[key];
    }
  };

  it.each(['necessary', 'sensitive', 'sale', 'optOut', 'gpc', 'ask', 'granted'])('Object.prototype.%s = true before start-up turns nothing into a yes', async (key) => {
    // A common site: no sensitive or sale purpose.
    const cfg = config({ purposes: [
      { id: 'analytics', title: 'Analytics', description: 'Counts page views to improve articles.', data: ['pages visited'], retention: '13 months' },
      { id: 'marketing', title: 'Advertising', description: 'Shows ads based on your reading.', data: ['ad clicks'], retention: '6 months' },
    ] }) as ConsentConfig;
    await polluted(key, async () => {
      const consent = createConsent(cfg);
      await consent.ready;
      const ran: string[] = [];
      consent.gate('analytics', () => ran.push('analytics'))();
      await settle(10);
      expect(consent.has('analytics')).toBe(false);
      expect(consent.state('marketing')).not.toBe('granted');
      expect(ran).toEqual([]);
    });
  });

  it('Object.prototype.necessary = true after start-up does not turn a no into a yes', async () => {
    const consent = createConsent(config());
    await consent.ready;
    await consent.decide({ analytics: false });
    await polluted('necessary', () => expect(consent.has('analytics')).toBe(false));
  });
});

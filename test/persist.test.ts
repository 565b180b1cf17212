// Storage through createConsent: the first-visit flag, the fallback to memory when IndexedDB fails, blocks or
// fills up, and writes that keep their order. Faults become `error` events and never a yes (PRE-04).
import { createStore, set } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsent, type Consent, type ConsentConfig, type ConsentError } from '../src/index.js';
import { createPersistence } from '../src/persist.js';
import { config, freshName, settle } from './fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** Another tab: its own copy of the SDK modules (its own receipt queue), as a browser tab has. */
const otherTab = async () => {
  vi.resetModules();
  return (await import('../src/index.js')).createConsent;
};

/** Two tabs on one database, their disclosures hashed; from then on, a receipt holding `slow` hashes `ms` late. */
const twoTabs = async (slow: string, ms: number) => {
  const storageName = freshName();
  const a = (await otherTab())(config({ storageName }));
  const b = (await otherTab())(config({ storageName }));
  await Promise.all([a.ready, b.ready, ...(['analytics', 'marketing'] as const).flatMap((id) => [a.disclosureHash(id), b.disclosureHash(id)])]);
  const digest = crypto.subtle.digest.bind(crypto.subtle);
  vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (algorithm, data) => {
    if (new TextDecoder().decode(data).includes(slow)) await settle(ms);
    return digest(algorithm, data);
  });
  return { a, b, storageName };
};

describe('first visit', () => {
  it('is known synchronously: true until a decision is stored, then false for later instances', async () => {
    const cfg = config();
    const first = createConsent(cfg);
    expect(first.firstVisit).toBe(true);
    await first.decide({ analytics: false });
    expect(localStorage.getItem('optin:' + cfg.storageName)).toBe('1');
    expect(createConsent(cfg).firstVisit).toBe(false);
  });

  it('is false where localStorage cannot be read, and a failing flag write costs no decision', async () => {
    const refuse = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    vi.stubGlobal('localStorage', { getItem: refuse, setItem: refuse, removeItem: refuse });
    const cfg = config();
    const consent = createConsent(cfg);
    expect(consent.firstVisit).toBe(false);
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.code));
    await consent.decide({ analytics: true });
    expect(consent.memoryOnly).toBe(false);
    expect(errors).toEqual([]);
    vi.unstubAllGlobals();
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.has('analytics')).toBe(true);
  });

  it('is written for a visitor whose decisions were stored before the flag existed, so the banner waits next time', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true, marketing: false });
    localStorage.removeItem('optin:' + cfg.storageName);
    const upgraded = createConsent(cfg);
    expect(upgraded.firstVisit).toBe(true);
    await upgraded.ready;
    expect(createConsent(cfg).firstVisit).toBe(false);
  });

  it('stays true when decisions could only be kept in memory (a reload starts undecided)', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('blocked by the browser', 'SecurityError');
    });
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    expect(createConsent(cfg).firstVisit).toBe(true);
  });
});

describe('IndexedDB faults (PRE-04)', () => {
  it('falls back to memory with an error event when IndexedDB throws on open; nothing rejects', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('blocked by the browser', 'SecurityError');
    });
    const cfg = config();
    const consent = createConsent(cfg);
    const errors: ConsentError[] = [];
    consent.on('error', (e) => errors.push(e));
    await consent.ready;
    expect(consent.memoryOnly).toBe(true);
    expect(errors.map((e) => e.code)).toEqual(['storage']);
    await consent.decide({ analytics: true });
    expect(consent.has('analytics')).toBe(true);
    expect(await consent.receipts()).toHaveLength(1);
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.has('analytics')).toBe(false);
  });

  it('works for the page view when indexedDB does not exist at all', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const consent = createConsent(config());
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.code));
    await consent.ready;
    await consent.decideAll(false);
    expect(consent.state('analytics')).toBe('denied');
    expect(errors).toEqual(['storage']);
    vi.unstubAllGlobals();
  });

  it('a failed write falls back to memory and removes the older stored decision', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const consent = createConsent(cfg);
    await consent.ready;
    expect(consent.has('analytics')).toBe(true);
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.code));
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('disk full', 'QuotaExceededError');
    });
    await consent.withdraw('analytics');
    expect(consent.has('analytics')).toBe(false);
    expect(errors).toEqual(['storage']);
    vi.restoreAllMocks();
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state('analytics')).toBe('undecided'); // never the old yes
  });

  it.each([
    ['a withdrawal', (c: Consent) => c.withdraw('analytics')],
    ['a no given with a yes to another purpose', (c: Consent) => c.decide({ analytics: false, marketing: true })],
    ['a reset', (c: Consent) => c.reset()],
  ])('%s that neither storing nor deleting could keep (IndexedDB blocked) does not bring the yes back on the next visit, nor once the site clears localStorage', async (_, act) => {
    const cfg = config();
    /** The next page view, once its stored decisions are read. */
    const visit = async () => {
      const consent = createConsent(cfg);
      await consent.ready;
      return consent;
    };
    await createConsent(cfg).decide({ analytics: true });
    const consent = await visit();
    const refuse = () => {
      throw new DOMException('blocked', 'UnknownError');
    };
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(refuse);
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(refuse);
    const at = Date.now();
    await act(consent);
    await settle(10);
    expect(consent.memoryOnly).toBe(true);
    // What outlives the page: the time of the no, beside the first-visit flag.
    expect(Number(localStorage.getItem('optin:' + cfg.storageName))).toBeGreaterThanOrEqual(at);
    vi.restoreAllMocks();
    const next = await visit();
    expect(next.state('analytics')).toBe('undecided');
    expect(next.revised('analytics')).toBe(false);
    // That visit removes the ended yes from IndexedDB: it cannot count again without the flag.
    await settle(10);
    localStorage.clear();
    const after = await visit();
    expect(after.state('analytics')).toBe('undecided');
    // A yes given after that no counts as ever.
    await after.decide({ analytics: true });
    expect((await visit()).has('analytics')).toBe(true);
  });

  it('a tab opened on a first visit keeps, when it first stores a decision, the time of a no that another tab could only keep in memory', async () => {
    const cfg = config();
    const first = createConsent(cfg);
    await first.ready;
    expect(first.firstVisit).toBe(true);
    // Another tab: a yes, stored; then a no that neither storing nor deleting could keep (IndexedDB blocked there).
    const other = createConsent(cfg);
    await other.decide({ analytics: true });
    const refuse = () => {
      throw new DOMException('blocked', 'UnknownError');
    };
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(refuse);
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(refuse);
    await other.withdraw('analytics');
    await settle(10);
    expect(other.memoryOnly).toBe(true);
    vi.restoreAllMocks();
    // The first tab's first stored decision wrote its "not a first visit" over that time.
    await first.decide({ marketing: false });
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state('analytics')).toBe('undecided'); // never the old yes
  });

  it.each([
    ['a withdrawal', (c: Consent) => c.withdraw('analytics')],
    ['a reset', (c: Consent) => c.reset()],
  ])('%s made after the fallback to memory is not undone by the older stored yes after a reload', async (_, act) => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const consent = createConsent(cfg);
    await consent.ready;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('disk full', 'QuotaExceededError');
    });
    await consent.decide({ marketing: true });
    expect(consent.memoryOnly).toBe(true);
    vi.restoreAllMocks();
    await act(consent);
    // The stale yes is removed from IndexedDB in the background: a reload soon after finds no yes.
    await vi.waitFor(async () => {
      const reloaded = createConsent(cfg);
      await reloaded.ready;
      expect(reloaded.has('analytics')).toBe(false);
    });
  });

  it('a withdrawal only memory kept in one tab is not undone by a decision another tab then stores in IndexedDB', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const [a, b] = [createConsent(cfg), createConsent(cfg)];
    await Promise.all([a.ready, b.ready]);
    const refuse = () => {
      throw new DOMException('blocked', 'UnknownError');
    };
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(refuse);
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(refuse);
    await a.withdraw('analytics'); // tab A: kept in memory only; IndexedDB still holds the yes
    await settle(10);
    vi.restoreAllMocks();
    await b.decide({ marketing: false }); // tab B stores its own decision normally
    await vi.waitFor(() => expect(b.state('analytics')).toBe('denied'));
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state('analytics')).not.toBe('granted');
  });

  describe('a no that only memory kept (IndexedDB refuses writes) ends after a reload', () => {
    /** The next page view, once its stored decisions are read. */
    const visit = async (cfg: ConsentConfig) => {
      const consent = createConsent(cfg);
      await consent.ready;
      return consent;
    };
    /** IndexedDB refuses to store or delete anything until the mocks are restored. */
    const refuseWrites = () => {
      const refuse = () => {
        throw new DOMException('blocked', 'UnknownError');
      };
      vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(refuse);
      vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(refuse);
    };

    it('the stored yes to its own purpose only: the yes to another purpose stays and is not asked again', async () => {
      const cfg = config();
      await createConsent(cfg).decide({ analytics: true, marketing: true });
      const consent = await visit(cfg);
      refuseWrites();
      await consent.withdraw('analytics');
      await settle(10);
      expect(consent.memoryOnly).toBe(true);
      vi.restoreAllMocks();
      const next = await visit(cfg);
      expect(next.state()).toMatchObject({ analytics: 'undecided', marketing: 'granted' });
      expect(next.has('analytics')).toBe(false);
    });

    it('two tabs that each keep a no in memory keep both, and no other yes', async () => {
      const cfg = config();
      await createConsent(cfg).decide({ analytics: true, marketing: true, 'credit-scoring': true });
      // Both tabs read the flags before either no.
      const [a, b] = [await visit(cfg), await visit(cfg)];
      refuseWrites();
      await a.withdraw('analytics');
      await b.withdraw('marketing');
      await settle(10);
      expect([a.memoryOnly, b.memoryOnly]).toEqual([true, true]);
      vi.restoreAllMocks();
      const next = await visit(cfg);
      expect(next.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided', 'credit-scoring': 'granted' });
    });

    it('two tabs that keep a no in memory at the same instant keep both: each tab puts back what the other overwrote', async () => {
      const cfg = config();
      await createConsent(cfg).decide({ analytics: true, marketing: true, 'credit-scoring': true });
      const [a, b] = [await visit(cfg), await visit(cfg)];
      refuseWrites();
      // A browser keeps a copy of localStorage in each tab and brings it up to date a moment later: tab B still reads
      // the flags as they were before tab A's no, and writes its own no over A's.
      const real = localStorage;
      const keys = ['optin:' + cfg.storageName, 'optin:' + cfg.storageName + ':noes'];
      const stale = new Map(keys.map((key) => [key, real.getItem(key)]));
      await a.withdraw('analytics');
      const written = keys.map((key) => [key, real.getItem(key)] as const);
      vi.stubGlobal('localStorage', { getItem: (key: string) => (stale.has(key) ? stale.get(key) : real.getItem(key)), setItem: (key: string, value: string) => real.setItem(key, value) });
      await b.withdraw('marketing');
      await settle(10);
      vi.unstubAllGlobals();
      // Then each tab hears of the other's writes, as the browser tells every other tab of the origin.
      for (const [key, newValue] of [...written, ...keys.map((key) => [key, real.getItem(key)] as const)]) {
        window.dispatchEvent(new StorageEvent('storage', { key, newValue, storageArea: real }));
      }
      vi.restoreAllMocks();
      expect((await visit(cfg)).state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided', 'credit-scoring': 'granted' });
    });

    // After destroy() too: what was decided before it is still stored (README). An instance that replaces it (a hot
    // module reload) did not keep this no, so only the ended one can put it back.
    it.each([
      ['', false],
      [', also once destroy() ended it', true],
    ])('a script in another tab that clears localStorage does not bring the yes back: the tab that kept the no writes it again%s', async (_, destroyed) => {
      const cfg = config();
      await createConsent(cfg).decide({ analytics: true });
      const consent = await visit(cfg);
      refuseWrites();
      await consent.withdraw('analytics');
      await settle(10);
      if (destroyed) consent.destroy();
      localStorage.clear();
      window.dispatchEvent(new StorageEvent('storage', { key: null, storageArea: localStorage }));
      vi.restoreAllMocks();
      expect((await visit(cfg)).has('analytics')).toBe(false);
    });

    it('withdraw() of everything: also a stored yes to a purpose the config no longer has, once a deploy adds it back', async () => {
      const cfg = config();
      await createConsent(cfg).decide({ analytics: true, marketing: true });
      const without = await visit({ ...cfg, purposes: cfg.purposes.filter((p) => p.id != 'marketing') });
      refuseWrites();
      await without.withdraw();
      await settle(10);
      expect(without.memoryOnly).toBe(true);
      vi.restoreAllMocks();
      expect((await visit(cfg)).state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
    });

    it('withdraw() of everything on a page already in memory only: also a stored yes to a purpose the config no longer has', async () => {
      const cfg = config();
      await createConsent(cfg).decide({ analytics: true, marketing: true });
      const without = await visit({ ...cfg, purposes: cfg.purposes.filter((p) => p.id != 'marketing') });
      refuseWrites();
      await without.withdraw('analytics');
      expect(without.memoryOnly).toBe(true);
      await without.withdraw(); // from memory it cannot list what IndexedDB holds
      await settle(10);
      vi.restoreAllMocks();
      expect((await visit(cfg)).state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
    });

    it.each([
      ['a time, as the previous Optin version wrote it', () => ({ '': String(Date.now()) })],
      ['a damaged time', () => ({ '': 'x' })],
      ['a damaged list of purposes', () => ({ '': '1', ':noes': '{"analytics":' })],
    ])('a flag holding %s ends every stored yes up to it; a yes given after it counts', async (_, flags) => {
      const cfg = config();
      await createConsent(cfg).decide({ analytics: true, marketing: true });
      for (const [key, value] of Object.entries(flags())) localStorage.setItem('optin:' + cfg.storageName + key, value);
      const next = await visit(cfg);
      expect(next.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
      await next.decide({ marketing: true });
      expect((await visit(cfg)).state()).toMatchObject({ analytics: 'undecided', marketing: 'granted' });
    });
  });

  it('stores a decision and its receipt in one transaction: a tab closed meanwhile leaves both or neither', async () => {
    const consent = createConsent(config());
    await consent.ready;
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    await consent.decide({ analytics: true, marketing: false });
    expect(transactions.mock.calls.filter(([, mode]) => mode == 'readwrite')).toHaveLength(1);
    expect((await consent.receipts()).map((r) => r.choices)).toEqual([{ analytics: true, marketing: false }]);
  });

  it('a receipt retried after another tab took its number does not write back an older decision over the newer one', async () => {
    vi.stubGlobal('navigator', { ...navigator, languages: ['en'], locks: undefined }); // an http page: no Web Locks
    // Tab A's receipt hashes slowly, so tab B's later receipt is written first and A's first try fails.
    const { a, b, storageName } = await twoTabs('"choices":{"analytics":true}', 30);
    void a.decide({ analytics: true }, { method: 'banner' });
    const t = Date.now();
    while (Date.now() === t); // the withdrawal comes later
    void b.decide({ analytics: false }, { method: 'preferences' });
    await settle(300);
    expect([a.state('analytics'), b.state('analytics')]).toEqual(['denied', 'denied']);
    expect((await b.receipts()).map((r) => r.choices.analytics)).toEqual([false, true]);
    const reload = (await otherTab())(config({ storageName }));
    await reload.ready;
    expect(reload.state('analytics')).toBe('denied'); // the latest act was a no
  });

  it.each([true, false])('a reset whose clearing waits behind a slow save does not erase the decision (%s) another tab made after it', async (granted) => {
    // Tab A's receipt for its yes hashes slowly, so its reset, queued behind it, clears after tab B's decision.
    const { a, b, storageName } = await twoTabs('"choices":{"marketing":true}', 100);
    void a.decide({ marketing: true });
    const reset = a.reset();
    await settle(10); // tab B's decision comes later
    await b.decide({ analytics: granted });
    await reset;
    await settle(50);
    const state = granted ? 'granted' : 'denied';
    expect([a.state('analytics'), b.state('analytics')]).toEqual([state, state]);
    const reload = (await otherTab())(config({ storageName }));
    await reload.ready;
    expect(reload.state()).toMatchObject({ analytics: state, marketing: 'undecided' });
  });

  it('removing a stored yes dated a year ahead, queued behind a slow save, does not erase the no another tab stored over it since', async () => {
    const { b, storageName } = await twoTabs('the slow notice', 100);
    // Given while the clock was a year fast: it counts as no decision, and the next tab to read it removes it.
    const at = Date.now() + 365 * 864e5;
    await set(['d', 'analytics'], { v: 1, purpose: 'analytics', granted: true, at, expires: at + 864e5, policy: '1', hash: '', locale: 'en', method: 'banner' }, createStore(storageName, 'keyval'));
    const c = (await otherTab())(config({ storageName }));
    void c.decide({ marketing: true }, { text: 'the slow notice' }); // hashed slowly: the removal waits behind it
    await c.ready;
    await b.decide({ analytics: false }); // the person's no, in tab B, stored over the old yes meanwhile
    await settle(200);
    const reload = (await otherTab())(config({ storageName }));
    await reload.ready;
    expect(reload.state('analytics')).toBe('denied');
  });

  it('a combined write that times out does not land in IndexedDB after the page moved to memory and withdrew', { timeout: 20_000 }, async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    // IndexedDB is slow this once: the first receipt's write comes 5.5 s after its head was read (past the 5 s timeout).
    const digest = crypto.subtle.digest.bind(crypto.subtle);
    let slow = true;
    vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (algorithm, data) => {
      if (slow && new TextDecoder().decode(data).includes('"choices":{"analytics":true}')) {
        slow = false;
        await settle(5500);
      }
      return digest(algorithm, data);
    });
    void consent.decide({ analytics: true }, { method: 'banner' });
    await vi.waitFor(() => expect(consent.memoryOnly).toBe(true), { timeout: 6000 });
    await consent.withdraw('analytics'); // the person's latest act: a no, kept in memory
    await settle(1500);
    expect(consent.state('analytics')).toBe('denied');
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('analytics')).not.toBe('granted');
  });

  it('a receipt whose cross-tab lock never comes does not hold up the decision: after 5 s it and its receipt are in memory', async () => {
    const consent = createConsent(config());
    await consent.ready;
    // Another tab holds the receipts' Web Lock for ever (its own IndexedDB transaction stalled).
    const request = vi.fn(() => new Promise(() => undefined));
    vi.stubGlobal('navigator', { ...navigator, languages: ['en'], locks: { request } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let settled = false;
      void consent.decide({ analytics: true }).then(() => (settled = true));
      // The decision is stored; its receipt now waits for the lock (and its 5 s start from here).
      await vi.waitFor(() => expect(request).toHaveBeenCalledOnce());
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(5000);
      await vi.waitFor(() => expect(settled).toBe(true));
      expect(consent.memoryOnly).toBe(true);
      expect(consent.has('analytics')).toBe(true);
      expect((await consent.receipts()).map((r) => r.choices)).toEqual([{ analytics: true }]);
      const second = consent.decide({ marketing: false });
      await vi.advanceTimersByTimeAsync(0);
      await expect(second).resolves.toBeUndefined();
    } finally {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    }
  });

  it.each([
    ['an hour', 36e5],
    ['three days', 3 * 864e5],
  ])('a yes given after a no that only memory kept, made while the clock was %s fast, counts once the clock is set right; the older yes stays ended', async (_, fast) => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const now = Date.now();
    const visit = async () => {
      const consent = createConsent(cfg);
      await consent.ready;
      await settle(10); // what it removes from IndexedDB in the background
      return consent;
    };
    vi.useFakeTimers({ toFake: ['Date'], now: now + fast });
    try {
      const ahead = await visit();
      const refuse = () => {
        throw new DOMException('blocked', 'UnknownError');
      };
      vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(refuse);
      vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(refuse);
      await ahead.withdraw('analytics'); // kept in memory only, dated ahead
      expect(ahead.memoryOnly).toBe(true);
      vi.setSystemTime(now + 1000); // the clock is set right
      // A visit that cannot remove the ended yes from IndexedDB: the no still holds on the next one.
      expect((await visit()).state('analytics')).toBe('undecided');
      vi.restoreAllMocks();
      const next = await visit();
      expect(next.state('analytics')).toBe('undecided'); // never the old yes
      await next.decide({ analytics: true }); // the person's latest act
      expect((await visit()).has('analytics')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the decision that meets a full disk keeps its receipt, in memory', async () => {
    const consent = createConsent(config());
    await consent.ready;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('disk full', 'QuotaExceededError');
    });
    await consent.withdraw('analytics', { method: 'preferences' });
    expect(consent.memoryOnly).toBe(true);
    expect(consent.state('analytics')).toBe('denied');
    expect((await consent.receipts()).map((r) => [r.method, r.choices])).toEqual([['preferences', { analytics: false }]]);
  });

  it('IndexedDB blocked (its open never answers): after 5 s, memory, an error event, and every decision settles with its receipt', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest);
      const consent = createConsent(config());
      const errors: string[] = [];
      consent.on('error', (e) => errors.push(e.code));
      // The banner shows at once on a first visit, so the person may answer while IndexedDB keeps silent.
      let settled = false;
      void consent.decideAll(false, { method: 'banner' }).then(() => (settled = true));
      // Let the decision reach its IndexedDB write (after hashing its disclosures) before the 5 s pass.
      await Promise.all(['analytics', 'marketing', 'credit-scoring'].map((id) => consent.disclosureHash(id as 'analytics')));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(5000);
      await consent.ready;
      await vi.waitFor(() => expect(settled).toBe(true));
      expect(consent.memoryOnly).toBe(true);
      expect(errors).toEqual(['storage']);
      expect(consent.state('analytics')).toBe('denied');
      expect(await consent.receipts()).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('IndexedDB blocked while the person asks for their consent record', () => {
  it('verifyReceipts() settles after 5 s, as receipts() does, instead of never answering', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest);
      const consent = createConsent(config());
      const check = consent.verifyReceipts();
      const receipts = consent.receipts();
      const outcome = Promise.allSettled([receipts, check]).then((all) => all.map((r) => r.status));
      await vi.advanceTimersByTimeAsync(5000);
      await consent.ready;
      let settled: string[] | undefined;
      void outcome.then((s) => (settled = s));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toEqual(['rejected', 'rejected']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the database deleted during the page view (PRE-04)', () => {
  it('lets the deletion through, stops counting the deleted decisions, and stores the next one afresh', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true });
    const changes: string[][] = [];
    consent.on('change', ({ changed }) => changes.push([...changed]));
    // A site's "delete my data" button, or the browser's developer tools.
    const deleted = await new Promise<string>((resolve) => {
      const request = indexedDB.deleteDatabase(cfg.storageName);
      request.onsuccess = () => resolve('deleted');
      request.onblocked = () => resolve('blocked');
    });
    expect(deleted).toBe('deleted');
    expect(consent.state('analytics')).toBe('undecided');
    expect(changes).toEqual([['analytics']]);
    let settled = false;
    void consent.require('analytics').finally(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    await consent.decide({ marketing: false });
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state()).toMatchObject({ analytics: 'undecided', marketing: 'denied' });
  });
});

describe('the database upgraded during the page view (another Optin version opens it with a higher version)', () => {
  it('lets the upgrade through and loses no decision: the page, a decision made then and a reload keep them', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true, marketing: false });
    const changes: string[][] = [];
    consent.on('change', ({ changed }) => changes.push([...changed]));
    const upgraded = await new Promise<string>((resolve) => {
      const request = indexedDB.open(cfg.storageName, 2);
      request.onsuccess = () => (request.result.close(), resolve('upgraded'));
      request.onblocked = () => resolve('blocked');
    });
    expect(upgraded).toBe('upgraded');
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    expect(changes).toEqual([]);
    await consent.decide({ 'credit-scoring': false });
    expect(consent.memoryOnly).toBe(false);
    const reloaded = createConsent(cfg);
    await reloaded.ready;
    expect(reloaded.state()).toMatchObject({ analytics: 'granted', marketing: 'denied', 'credit-scoring': 'denied' });
    expect(await reloaded.verifyReceipts()).toEqual({ ok: true, count: 2 });
  });
});

describe('the database deleted during the page view, with a purpose asked again because it changed', () => {
  it('no longer says the purpose changed: there is no earlier choice left to compare with', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const consent = createConsent({ ...cfg, policy: { ...cfg.policy, version: '2027-01' } });
    await consent.ready;
    expect(consent.revised('analytics')).toBe(true);
    await new Promise((resolve) => (indexedDB.deleteDatabase(cfg.storageName).onsuccess = resolve));
    expect(consent.revised('analytics')).toBe(false);
  });
});

describe('createPersistence', () => {
  const record = (purpose: string, granted: boolean) => ({ v: 1, purpose, granted, at: 1, expires: 9e15, policy: '1', hash: 'h', locale: 'en', method: 'api' }) as const;
  // A decision's: one that decides nothing and ends no yes proves nothing, and is not kept.
  const receipt = { at: 1, policy: '1', method: 'api', locale: 'en', choices: { a: true }, hashes: { a: 'h' } } as const;

  it('runs queued work one piece after the other, also after a piece that failed', async () => {
    const persist = createPersistence(freshName(), () => undefined);
    const order: string[] = [];
    const slow = persist.inOrder(async () => {
      await settle(20);
      order.push('first');
      throw new Error('lost');
    });
    const fast = persist.inOrder(() => Promise.resolve(void order.push('second')));
    await expect(slow).rejects.toThrow('lost');
    await fast;
    expect(order).toEqual(['first', 'second']);
  });

  it('stores decisions with their receipt, reads them back in the order asked, and clears them', async () => {
    const name = freshName();
    const persist = createPersistence(name, () => undefined);
    await persist.save([record('a', true), record('b', false)], receipt);
    const again = createPersistence(name, () => undefined);
    expect(again.firstVisit).toBe(false);
    expect(await again.read(['b', 'a', 'c'])).toEqual([record('b', false), record('a', true), undefined]);
    expect(await again.receipts()).toMatchObject([{ seq: 0, prev: '' }]);
    await again.clear(['a'], Date.now());
    expect(await again.read(['a', 'b'])).toEqual([undefined, record('b', false)]);
  });

  it('does not store a yes over a no another tab stored for the same millisecond: of the two, the no holds', async () => {
    const name = freshName();
    const [a, b] = [createPersistence(name, () => undefined), createPersistence(name, () => undefined)];
    await a.save([record('a', false)], receipt);
    await b.save([record('a', true)], receipt);
    expect(await b.read(['a'])).toEqual([record('a', false)]);
  });

  it('reads nothing when IndexedDB fails, reports it once and keeps the next decisions in memory', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('blocked by the browser', 'SecurityError');
    });
    const errors: ConsentError[] = [];
    const persist = createPersistence(freshName(), (e) => errors.push(e));
    expect(await persist.read(['a'])).toBeUndefined();
    await persist.save([record('a', true)], receipt);
    expect(persist.memoryOnly).toBe(true);
    expect(await persist.read(['a'])).toEqual([record('a', true)]);
    expect(await persist.verifyReceipts()).toEqual({ ok: true, count: 1 });
    expect(errors.map((e) => e.code)).toEqual(['storage']);
  });
});

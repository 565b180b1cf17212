// Fault injection: storage faults, corrupt data, other tabs, the clock and re-entrant calls. Each test here failed
// on the code it was written against; the rules it checks: a fault never reaches the page as an uncaught
// exception, never turns into a yes, loses no decision; a withdrawal wins over an older yes; proofs stay verifiable.
import { createStore, del, get, set } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsent, deliverReceipts, type Receipt } from '../src/index.js';
import { mounted } from './dialogs.js';
import { config, freshName, receiptsOf, settle } from './fixtures.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const DAY = 864e5;

describe('require() abort', () => {
  it.each([
    ['null', null],
    ['0', 0],
    ['an empty string', ''],
    ['false', false],
  ])('an abort whose reason is %s rejects, never resolves as if granted', async (_, reason) => {
    const consent = createConsent(config());
    await consent.ready;
    // Observed from the call on, so the rejection is handled when it happens.
    const outcome = (p: Promise<void>) => p.then(() => 'resolved', () => 'rejected');
    const before = new AbortController();
    before.abort(reason);
    const already = outcome(consent.require('analytics', { signal: before.signal }));
    const later = new AbortController();
    const waiting = outcome(consent.require('marketing', { signal: later.signal }));
    await settle();
    later.abort(reason);
    expect(await Promise.all([already, waiting])).toEqual(['rejected', 'rejected']);
    expect(consent.state()).toMatchObject({ analytics: 'undecided', marketing: 'undecided' });
  });
});

describe('re-entrant calls', () => {
  it('a withdrawal made by a held call while Accept all takes effect is not undone by the older yes', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    // The analytics code, held until a yes, withdraws advertising when it runs (say, its own opt-out rule).
    const track = consent.gate('analytics', () => void consent.withdraw('marketing'));
    track();
    await consent.decideAll(true);
    await settle(50);
    expect(consent.state('marketing')).toBe('denied'); // the latest act: the withdrawal
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('marketing')).toBe('denied');
  });

  it('a reset made by a held call while Accept all takes effect is not undone by the older yes', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    const track = consent.gate('analytics', () => void consent.reset());
    track();
    await consent.decideAll(true);
    await settle(50);
    expect(consent.state('marketing')).toBe('undecided'); // the reset came after the Accept all
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('marketing')).toBe('undecided');
  });

  it('a withdrawal made from a change listener is receipted after the yes it withdraws', async () => {
    const consent = createConsent(config());
    await consent.ready;
    const off = consent.on('change', (e) => {
      if (e.states.analytics == 'granted') {
        off();
        void consent.withdraw('analytics');
      }
    });
    await consent.decide({ analytics: true });
    const list = await receiptsOf(consent, 2);
    expect(consent.state('analytics')).toBe('denied');
    // Replayed in order (as the endpoint does), the log must end in the state in force: denied.
    expect(list.map((r) => r.choices.analytics)).toEqual([true, false]);
    expect(list[0]!.at).toBeLessThan(list[1]!.at);
  });
});

describe('corrupt storage', () => {
  it('a missing chain head does not cost the next decision: it is stored, not moved to memory', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true });
    await consent.decide({ marketing: false });
    const raw = createStore(cfg.storageName, 'keyval');
    await del('h', raw); // the head is lost (or edited away)
    const next = createConsent(cfg);
    await next.ready;
    const errors: string[] = [];
    next.on('error', (e) => errors.push(e.message));
    await next.withdraw('analytics');
    expect(next.memoryOnly).toBe(false);
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('analytics')).toBe('denied'); // the withdrawal was kept
  });

  it.each([
    ['a string', 'garbage'],
    ['an array', []],
    ['a negative number', { seq: -5, hash: 'x' }],
    ['a string number', { seq: 'x', hash: 'x' }],
    ['a fraction', { seq: 0.5, hash: 'x' }],
    ['Infinity', { seq: Infinity, hash: 'x' }],
    ['beyond safe integers', { seq: 2 ** 53, hash: 'x' }],
    ['a hash that is not a string', { seq: 1, hash: 7 }],
  ])('a chain head that is %s costs no decision, and the chain stays whole', async (_, head) => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true });
    await consent.decide({ marketing: false });
    const raw = createStore(cfg.storageName, 'keyval');
    await set('h', head, raw);
    const next = createConsent(cfg);
    await next.ready;
    // Settles within the test's time: a head that is followed for ever would hang here.
    await next.withdraw('analytics');
    expect(next.memoryOnly).toBe(false);
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('analytics')).toBe('denied');
    expect((await reload.receipts()).map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(await reload.verifyReceipts()).toEqual({ ok: true, count: 3 });
  });

  it('a corrupt record dated a little ahead does not keep the next decision from being stored', async () => {
    const cfg = config();
    const raw = createStore(cfg.storageName, 'keyval');
    // Unreadable (granted is not a boolean), dated an hour ahead.
    await set(['d', 'analytics'], { v: 1, purpose: 'analytics', granted: 'yes', at: Date.now() + 3_600_000, expires: Date.now() + DAY, policy: '2026-11', hash: 'x', locale: 'en', method: 'api' }, raw);
    const consent = createConsent(cfg);
    await consent.ready;
    expect(consent.state('analytics')).toBe('undecided');
    await consent.decide({ analytics: false });
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('analytics')).toBe('denied'); // the person's no is remembered, not asked again
  });

  it('verifyReceipts names a receipt that is not an object instead of throwing', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.decide({ analytics: true });
    await consent.decide({ analytics: false });
    await set(['r', 0], null, createStore(cfg.storageName, 'keyval'));
    await expect(consent.verifyReceipts()).resolves.toMatchObject({ ok: false, index: 0 });
  });
});

describe('other tabs unavailable', () => {
  it('a BroadcastChannel that cannot be opened (an opaque origin, a privacy mode) does not make createConsent throw', async () => {
    vi.stubGlobal(
      'BroadcastChannel',
      class {
        constructor() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        }
      },
    );
    const make = () => createConsent(config());
    expect(make).not.toThrow();
    const consent = make();
    await consent.ready;
    await consent.decide({ analytics: true });
    expect(consent.has('analytics')).toBe(true);
  });

  it('a browser without BroadcastChannel (an older Safari) works all the same', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const consent = createConsent(config());
    await consent.ready;
    await consent.decide({ analytics: true });
    expect(consent.has('analytics')).toBe(true);
  });
});

describe('receipt delivery', () => {
  it('one unreadable receipt in the log does not stop every later receipt from being delivered', async () => {
    const posted: Receipt[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((_: string, init: RequestInit) => {
        posted.push(...(JSON.parse(init.body as string) as { receipts: Receipt[] }).receipts);
        return Promise.resolve(new Response(null, { status: 204 }));
      }),
    );
    localStorage.clear();
    const cfg = config({ receipts: { endpoint: '/consent-receipts' } });
    const consent = createConsent(cfg);
    const stop = deliverReceipts(consent, { retryMs: 10 });
    try {
      await consent.decide({ analytics: true });
      await consent.decide({ marketing: false });
      await vi.waitFor(() => expect(posted).toHaveLength(2));
      await set(['r', 0], null, createStore(cfg.storageName, 'keyval')); // an already delivered receipt gets corrupt
      await consent.withdraw('analytics');
      // The withdrawal must reach the back end (WDR-04).
      await vi.waitFor(() => expect(posted.filter((r) => r?.choices?.analytics === false)).toHaveLength(1), { timeout: 2000 });
    } finally {
      stop();
    }
  });
});

describe('the clock', () => {
  it('after the clock was two days fast and is set right, the next decisions are not dated ahead and lost on reload', async () => {
    const cfg = config();
    const consent = createConsent(cfg);
    await consent.ready;
    const right = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(right + 2 * DAY);
    await consent.decide({ analytics: true }); // the clock was fast
    now.mockReturnValue(right + 60_000); // set right; a minute later the person withdraws
    await consent.withdraw('analytics');
    expect(consent.state('analytics')).toBe('denied');
    const reload = createConsent(cfg);
    await reload.ready;
    expect(reload.state('analytics')).toBe('denied');
    const stored = await get<{ at: number }>(['d', 'analytics'], createStore(cfg.storageName, 'keyval'));
    expect(stored?.at).toBeLessThan(right + DAY);
  });
});

describe('two tabs without Web Locks (an http page)', () => {
  it('five tabs deciding at once each keep their decision in IndexedDB', async () => {
    const storageName = freshName();
    const tabs = [];
    for (let i = 0; i < 5; i++) {
      vi.resetModules();
      tabs.push((await import('../src/index.js')).createConsent(config({ storageName })));
    }
    await Promise.all(tabs.map((t) => t.ready));
    const ids = ['analytics', 'marketing', 'credit-scoring'] as const;
    await Promise.all(tabs.map((t, i) => t.decide({ [ids[i % 3]!]: i % 2 == 0 })));
    expect(tabs.map((t) => t.memoryOnly)).toEqual([false, false, false, false, false]);
    const raw = createStore(storageName, 'keyval');
    expect(((await get('h', raw)) as { seq: number }).seq).toBe(4);
  });
});

describe('options', () => {
  it('require with a long timeout (over 24.8 days, or Infinity) waits instead of timing out at once', async () => {
    const consent = createConsent(config());
    await consent.ready;
    let outcome = 'pending';
    void consent.require('analytics', { timeoutMs: 30 * DAY }).then(
      () => (outcome = 'resolved'),
      (e: Error & { code?: string }) => (outcome = e.code ?? 'rejected'),
    );
    await settle(50);
    expect(outcome).toBe('pending');
  });

  it('gate with limit NaN still bounds what it holds', async () => {
    const consent = createConsent(config());
    await consent.ready;
    const errors: string[] = [];
    consent.on('error', (e) => errors.push(e.code));
    const send = consent.gate('analytics', () => undefined, { limit: Number.NaN });
    for (let i = 0; i < 1000; i++) send();
    expect(errors).toContain('dropped');
  });
});

describe('two-pass apply (re-entrancy)', () => {
  it('a held call that repeats the yes to another purpose of the same Accept all does not swallow that purpose’s change', async () => {
    const consent = createConsent(config());
    await consent.ready;
    const changed: string[] = [];
    consent.on('change', (e) => changed.push(...e.changed));
    // The analytics code, held until a yes, turns on advertising too when it runs (the same answer the person gave).
    consent.gate('analytics', () => void consent.decide({ marketing: true }))();
    await consent.decideAll(true);
    await settle(20);
    expect(consent.state()).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    // marketing went from undecided to granted: a `change` must say so.
    expect(changed).toContain('marketing');
  });
});

describe('two-pass apply, seen in the dialogs', () => {
  it('the prompt for a purpose granted through such a held call closes once the purpose is granted', async () => {
    const { consent, query } = await mounted();
    consent.gate('analytics', () => void consent.decide({ marketing: true }))();
    const asked = consent.require('marketing', { ask: true });
    await settle(20);
    expect(query('dialog', 'Allow Advertising?')).not.toBeNull();
    await consent.decideAll(true);
    await asked;
    await settle(20);
    expect(consent.state('marketing')).toBe('granted');
    // The require() call resolved, yet its prompt still asks about a purpose already granted.
    expect(query('dialog', 'Allow Advertising?')).toBeNull();
  });
});

describe('a clock two days fast, set right while the tabs stay open', () => {
  it('a withdrawal in one tab still reaches the other after a reset made while the clock was fast', async () => {
    const storageName = freshName();
    const [a, b] = [createConsent(config({ storageName })), createConsent(config({ storageName }))];
    await Promise.all([a.ready, b.ready]);
    const right = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(right + 2 * 864e5); // the system clock runs two days fast
    await a.reset();
    await settle(50);
    now.mockReturnValue(right + 60_000); // set right; a minute later
    await b.decide({ analytics: true }); // a yes in tab B
    await settle(50);
    await a.withdraw('analytics'); // then withdrawn in tab A: the person's latest act
    await settle(50);
    expect(a.state('analytics')).toBe('denied');
    // Tab B ignores every decision of tab A dated before the (fast) reset, though made after it: it keeps collecting.
    expect(b.state('analytics')).toBe('denied');
  });
});

// A decision can run out before its expiry timer fires: the timer counts on the monotonic clock, which stands still
// while the computer sleeps, and wall-clock jumps (NTP) do not move it.
describe('a decision that ran out before its timer fired', () => {
  afterEach(() => void (document.cookie = '_stats=; max-age=-1; path=/'));

  it('a yes given again is announced: has() went from false to true', async () => {
    const consent = createConsent(config({ expiresAfterDays: 1 }));
    await consent.ready;
    await consent.decide({ analytics: true });
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 2 * DAY); // woke from sleep: the yes ran out, its timer not fired yet
    expect(consent.has('analytics')).toBe(false);
    const changed: string[] = [];
    consent.on('change', (e) => changed.push(...e.changed));
    await consent.decide({ analytics: true });
    expect(consent.has('analytics')).toBe(true);
    // The last `change` said granted; the state went undecided → granted unannounced.
    expect(changed).toContain('analytics');
  });

  it('the prompt opened meanwhile closes when the yes comes from elsewhere (another tab, the API)', async () => {
    const { consent, query } = await mounted({ expiresAfterDays: 1 });
    await consent.decide({ analytics: true });
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 2 * DAY);
    const asked = consent.require('analytics', { ask: true });
    await settle(20);
    expect(query('dialog', 'Allow Analytics?')).not.toBeNull();
    await consent.decide({ analytics: true });
    await asked;
    await settle(20);
    // require() resolved, yet its prompt still asks about a purpose already granted.
    expect(query('dialog', 'Allow Analytics?')).toBeNull();
  });

  it('a withdrawal right after a brief yes (held calls ran) clears the purpose’s storage', async () => {
    const consent = createConsent(config({ expiresAfterDays: 1 }));
    await consent.ready;
    await consent.decide({ analytics: false });
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 2 * DAY); // the no ran out: asked again, calls held
    expect(consent.state('analytics')).toBe('undecided');
    // The analytics tag, held until a yes, sets its cookie; the ad tag, held too, withdraws analytics when it runs.
    consent.gate('analytics', () => void (document.cookie = '_stats=1; path=/'))();
    consent.gate('marketing', () => void consent.withdraw('analytics'))();
    await consent.decideAll(true);
    await settle(20);
    expect(consent.state('analytics')).toBe('denied');
    // The stats cookie was set while analytics was granted and is still there after the withdrawal.
    expect(document.cookie).not.toContain('_stats=1');
  });
});

// Receipt delivery (WDR-04, REC-03): what the site's endpoint receives, and that nothing is lost while it is
// unreachable, refuses, or the page is reloaded before it answered.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsentConfigError, createConsent, deliverReceipts, type Receipt } from '../src/index.js';
import { createStore, del, set } from 'idb-keyval';
import { config, purposes, settle } from './fixtures.js';

type Posted = { url: string; init: RequestInit; receipts: Receipt[] };
let posted: Posted[];
let answer: () => Promise<Response>;

beforeEach(() => {
  posted = [];
  answer = () => Promise.resolve(new Response(null, { status: 204 }));
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit) => {
      posted.push({ url, init, receipts: (JSON.parse(init.body as string) as { receipts: Receipt[] }).receipts });
      return answer();
    }),
  );
  localStorage.clear();
});
const running: (() => void)[] = [];
/** deliverReceipts, stopped after the test so no test hears another one's deliveries. */
const deliver = (...args: Parameters<typeof deliverReceipts>) => {
  const stop = deliverReceipts(...args);
  running.push(stop);
  return stop;
};
/** A config whose receipts go to `endpoint`. */
const posting = (endpoint = '/consent-receipts') => config({ receipts: { endpoint } });
afterEach(() => {
  running.splice(0).forEach((stop) => stop());
  vi.unstubAllGlobals();
});

/** Every receipt the endpoint accepted (a 2xx answer), in the order it got them. */
const delivered = () => posted.flatMap((p) => p.receipts);

describe('deliverReceipts', () => {
  it('posts each decision’s receipt to config.receipts.endpoint once it is kept: JSON, the page’s own cookies, nothing else', async () => {
    const consent = createConsent(posting());
    deliver(consent);
    await consent.ready;
    await settle();
    expect(posted).toEqual([]); // nothing before a decision (REC-03)

    await consent.decide({ analytics: true }, { method: 'banner' });
    await consent.withdraw('analytics', { method: 'preferences' });
    await vi.waitFor(() => expect(delivered()).toHaveLength(2));
    expect(delivered()).toEqual(await consent.receipts());
    expect(delivered().map((r) => [r.method, r.choices])).toEqual([
      ['banner', { analytics: true }],
      ['preferences', { analytics: false }],
    ]);
    // Minimal: only the receipt's own fields, no identifier added on the way. The second names what it withdrew,
    // so the back end can stop processing and start deletion (WDR-04).
    const fields = ['at', 'choices', 'expires', 'hashes', 'locale', 'method', 'policy', 'prev', 'sdk', 'seq'];
    expect(delivered().map((r) => Object.keys(r).sort())).toEqual([fields, [...fields, 'withdrawn'].sort()]);
    // When the yes ends without a new one (REC-01 expiry): the back end needs it to stop processing in time, and
    // it cannot work it out without the site's config (180 days by default).
    expect(delivered()[0]!.expires).toBe(delivered()[0]!.at + 180 * 864e5);
    expect(delivered()[1]!.withdrawn).toEqual(['analytics']);
    expect(posted[0]).toMatchObject({ url: '/consent-receipts', init: { method: 'POST', credentials: 'same-origin', keepalive: true, headers: { 'Content-Type': 'application/json' } } });
  });

  it('lets the back end check the chain of what it received, as the README says: prev is the SHA-256 of JSON.stringify of the receipt before', async () => {
    const consent = createConsent(posting());
    deliver(consent);
    await consent.decide({ analytics: true, marketing: false }, { method: 'banner', text: '统计分析 — Accept all', action: 'accept-all' });
    await consent.withdraw('analytics');
    await vi.waitFor(() => expect(delivered()).toHaveLength(2));
    // What a server has: the parsed JSON body, nothing of Optin's.
    const [first, second] = JSON.parse(JSON.stringify(delivered())) as Receipt[];
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(first)));
    expect(second!.prev).toBe(Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''));
  });

  it('keeps what the endpoint did not take and sends it when the browser is back online, in order', async () => {
    const consent = createConsent(posting());
    deliver(consent, { retryMs: 60_000 });
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    await consent.decide({ analytics: true });
    await consent.withdraw('analytics');
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(0));
    await settle();
    const failed = posted.length;

    answer = () => Promise.resolve(new Response(null, { status: 200 }));
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(failed));
    const accepted = posted.slice(failed).flatMap((p) => p.receipts);
    expect(accepted.map((r) => r.choices)).toEqual([{ analytics: true }, { analytics: false }]);
  });

  it('tries again by itself after a refusal (HTTP 500), waiting longer each time, and warns the site owner', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const times: number[] = [];
    const consent = createConsent(posting());
    deliver(consent, { retryMs: 40 });
    answer = () => {
      times.push(performance.now());
      return Promise.resolve(new Response(null, { status: times.length < 3 ? 500 : 204 }));
    };
    await consent.decide({ analytics: false });
    await vi.waitFor(() => expect(posted).toHaveLength(3));
    expect(warn.mock.calls[0]![0]).toMatchObject({ code: 'delivery', message: expect.stringContaining('/consent-receipts') as string });
    // Timers never fire early: the second wait is at least twice the first.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(39);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(79);
    expect(posted.map((p) => p.receipts.map((r) => r.seq))).toEqual([[0], [0], [0]]);
    await settle(200);
    expect(posted).toHaveLength(3);
    warn.mockRestore();
  });

  it('a redirect (an expired session sent to the login page) is no delivery: the receipt is sent again until the endpoint itself takes it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let moved = true;
    // As real Chromium answers a POST to an endpoint that answers 302 to /login (measured): followed, it is the login
    // page's 200 (the receipts never reached the endpoint); with redirect: 'manual', an opaque redirect, status 0.
    answer = () => Promise.resolve(new Response(null, { status: 204 }));
    vi.mocked(fetch).mockImplementation((url, init) => {
      posted.push({ url: url as string, init: init!, receipts: (JSON.parse(init!.body as string) as { receipts: Receipt[] }).receipts });
      if (!moved) return answer();
      if (init!.redirect == 'manual') return Promise.resolve({ ok: false, status: 0, type: 'opaqueredirect', redirected: false } as Response);
      return Promise.resolve(Object.defineProperty(new Response('<form>Sign in</form>', { status: 200 }), 'redirected', { value: true }));
    });
    const consent = createConsent(posting());
    deliver(consent, { retryMs: 20 });
    await consent.withdraw('analytics');
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(1));
    expect(warn).toHaveBeenCalled(); // the site owner learns that the endpoint redirects
    const before = posted.length;
    moved = false; // signed in again
    await vi.waitFor(() => expect(posted.slice(before).flatMap((p) => p.receipts).map((r) => r.seq)).toEqual([0]));
    warn.mockRestore();
  });

  it('a delivery that starts while IndexedDB does not answer (an upgrade blocked by another tab) does not hold back the withdrawal made then', { timeout: 25_000 }, async () => {
    const options = posting();
    const consent = createConsent(options);
    deliver(consent, { retryMs: 50 });
    await consent.decide({ analytics: true });
    await vi.waitFor(() => expect(delivered()).toHaveLength(1));
    // Another tab holds the database open and does not let go, while a third asks for a newer version: every open
    // waits behind the upgrade, this page's too (it let go of its own connection for the upgrade).
    const holder = await new Promise<IDBDatabase>((done) => (indexedDB.open(options.storageName).onsuccess = (e) => done((e.target as IDBOpenDBRequest).result)));
    await new Promise((blocked) => (indexedDB.open(options.storageName, 9).onblocked = blocked));
    try {
      window.dispatchEvent(new Event('online')); // a delivery starts, reading the log from the blocked database
      await settle();
      await consent.withdraw('analytics'); // kept in memory after 5 s without an answer
      expect(consent.memoryOnly).toBe(true);
      // Before the fix, the delivery waited for the blocked read as long as the block lasted, and this receipt,
      // kept in memory only, was lost with the tab.
      await vi.waitFor(() => expect(delivered().at(-1)?.choices).toEqual({ analytics: false }), { timeout: 10_000 }); // roomy: two busy cores
    } finally {
      holder.close();
    }
  });

  it('after a reload, sends what the last page view could not, and not again what was delivered', async () => {
    const options = posting();
    const first = createConsent(options);
    const stop = deliver(first);
    await first.decide({ analytics: true });
    await vi.waitFor(() => expect(delivered()).toHaveLength(1));
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    await first.withdraw('analytics');
    await vi.waitFor(() => expect(posted).toHaveLength(2));
    stop();

    answer = () => Promise.resolve(new Response(null, { status: 204 }));
    const second = createConsent(options);
    deliver(second);
    await vi.waitFor(() => expect(posted).toHaveLength(3));
    expect(posted[2]!.receipts.map((r) => [r.seq, r.choices])).toEqual([[1, { analytics: false }]]);
  });

  it('sends a log that was deleted and begun again from its start', async () => {
    const options = posting();
    const first = createConsent(options);
    deliver(first);
    await first.decide({ analytics: true });
    await first.decide({ analytics: false });
    await vi.waitFor(() => expect(delivered()).toHaveLength(2));

    // Another database under the same name (the site deleted it): the mark of seq 1 belongs to the old log.
    await new Promise((done) => (indexedDB.deleteDatabase(options.storageName).onsuccess = done));
    const second = createConsent(options);
    deliver(second);
    await second.decide({ analytics: true });
    await second.decide({ marketing: true });
    await vi.waitFor(() => expect(delivered()).toHaveLength(4));
    expect(delivered().slice(2).map((r) => r.seq)).toEqual([0, 1]);
  });

  it('sends the receipt of a reset that ended a yes: the back end stops processing under it, as after a withdrawal', async () => {
    const consent = createConsent(posting());
    deliver(consent);
    await consent.decide({ analytics: true, marketing: false });
    await consent.reset();
    await vi.waitFor(() => expect(delivered()).toHaveLength(2));
    expect(delivered()[1]).toMatchObject({ seq: 1, method: 'reset', choices: {}, withdrawn: ['analytics'] });
  });

  it('delivers the receipts of a page view without IndexedDB: there they are the only proof that will last', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const consent = createConsent(posting());
    deliver(consent);
    await consent.decide({ analytics: true });
    await vi.waitFor(() => expect(delivered()).toHaveLength(1));
    expect(consent.memoryOnly).toBe(true);
    expect(delivered()[0]).toMatchObject({ seq: 0, choices: { analytics: true } });
  });

  it('splits a long backlog into requests a browser lets leave with keepalive (64 KiB), in order, none lost', async () => {
    // 20 purposes (one per recipient, as SEP-05 asks), a policy version in Chinese (3 bytes a character in UTF-8)
    // and a backlog of 40 receipts: about 160 KB in all.
    const many = Array.from({ length: 20 }, (_, i) => ({ ...purposes[1], id: `purpose-number-${i}` }));
    const policy = { version: '个人信息保护政策第七版'.repeat(50), url: '/privacy' };
    const consent = createConsent(config({ purposes: many, policy, receipts: { endpoint: '/consent-receipts' } }));
    for (let i = 0; i < 40; i++) await consent.decideAll(i % 2 == 0);
    deliver(consent);
    await vi.waitFor(() => expect(delivered()).toHaveLength(40));
    const bytes = posted.map((p) => new TextEncoder().encode(p.init.body as string).length);
    expect(posted.length).toBeGreaterThan(1);
    for (const size of bytes) expect(size).toBeLessThanOrEqual(65_536);
    expect(posted.every((p) => p.init.keepalive)).toBe(true);
    expect(delivered().map((r) => r.seq)).toEqual([...Array(40).keys()]);
  });

  it('reads a returning visitor’s long log once, not again for each request of its backlog or for each new decision', async () => {
    // Before, every request and every decision read the whole log back: at 10,000 receipts in Chromium, a 50 s backlog
    // and half a second of reading per decision, growing with every one.
    const many = Array.from({ length: 20 }, (_, i) => ({ ...purposes[1], id: `purpose-number-${i}` }));
    const consent = createConsent(config({ purposes: many, receipts: { endpoint: '/consent-receipts' } }));
    for (let i = 0; i < 120; i++) await consent.decideAll(i % 2 == 0);
    let read = 0;
    const getAll = IDBObjectStore.prototype.getAll;
    vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(function (this: IDBObjectStore, ...args) {
      const request = getAll.apply(this, args);
      request.addEventListener('success', () => (read += request.result.length));
      return request;
    });
    deliver(consent);
    await vi.waitFor(() => expect(delivered()).toHaveLength(120));
    expect(posted.length).toBeGreaterThan(5);
    expect(read).toBeLessThanOrEqual(120);

    read = 0;
    for (let i = 0; i < 5; i++) {
      await consent.decide({ 'purpose-number-0': i % 2 == 0 });
      await vi.waitFor(() => expect(delivered()).toHaveLength(121 + i));
    }
    expect(delivered().map((r) => r.seq)).toEqual([...Array(125).keys()]);
    expect(read).toBeLessThanOrEqual(10);
  });

  it('a log with a gap (a receipt lost from storage) is delivered once, without posting again and again', async () => {
    const options = posting();
    const consent = createConsent(options);
    for (const granted of [true, false, true]) await consent.decide({ analytics: granted });
    await del(['r', 1], createStore(options.storageName, 'keyval'));
    deliver(consent);
    await vi.waitFor(() => expect(delivered().map((r) => r.seq)).toEqual([0, 2]));
    await settle(100);
    expect(posted).toHaveLength(1);
  });

  it('another tab’s delivery counts: a tab that started earlier does not post those receipts again', async () => {
    const options = posting();
    const first = createConsent(options);
    const second = createConsent(options);
    await Promise.all([first.ready, second.ready]);
    deliver(first);
    deliver(second); // started, and read the mark, before the first tab delivered anything
    await first.decide({ analytics: true });
    await vi.waitFor(() => expect(delivered()).toHaveLength(1));
    await second.decide({ marketing: false }); // the same log: seq 1
    await vi.waitFor(() => expect(delivered()).toHaveLength(2));
    await settle(100);
    expect(delivered().map((r) => r.seq)).toEqual([0, 1]);
  });

  it('a mark it cannot store (storage full) does not make it post the same receipts again and again', async () => {
    const consent = createConsent(posting());
    await consent.decide({ analytics: true });
    await consent.decide({ analytics: false });
    const [first] = await consent.receipts();
    localStorage.setItem(`optin:${consent.config.storageName}:sent`, JSON.stringify({ seq: first!.seq, at: first!.at }));
    const full = vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    try {
      deliver(consent);
      await vi.waitFor(() => expect(delivered()).toHaveLength(1));
      await settle(100);
      expect(delivered().map((r) => r.seq)).toEqual([1]);
    } finally {
      full.mockRestore();
    }
  });

  it('stops mid-backlog: once the stop function ran, no further request leaves', async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ ...purposes[1], id: `purpose-number-${i}` }));
    const consent = createConsent(config({ purposes: many, receipts: { endpoint: '/consent-receipts' } }));
    for (let i = 0; i < 45; i++) await consent.decideAll(i % 2 == 0);
    let stop = () => undefined as void;
    answer = () => (stop(), Promise.resolve(new Response(null, { status: 204 })));
    stop = deliver(consent);
    await settle(100);
    expect(posted).toHaveLength(1);
  });

  it('stops: no request after the stop function ran', async () => {
    const consent = createConsent(posting());
    deliver(consent)();
    await consent.decide({ analytics: true });
    window.dispatchEvent(new Event('online'));
    await settle(50);
    expect(posted).toEqual([]);
  });

  it('does nothing without receipts in the config', async () => {
    const consent = createConsent(config());
    deliver(consent);
    await consent.decide({ analytics: true });
    await settle(50);
    expect(posted).toEqual([]);
  });

  it.each([null, {}, { endpoint: 'javascript:alert(1)' }, { endpoint: '//tracker.example/r' }, { endpoint: 42 }])('refuses receipts: %j in the config, naming receipts.endpoint or receipts', (receipts) => {
    const attempt = () => createConsent(config({ receipts: receipts as never }));
    expect(attempt).toThrow(ConsentConfigError);
    expect(attempt).toThrow(/receipts(\.endpoint)?: must be/);
  });

  it('over a log with two unreadable receipts (corrupt or hand-edited), delivers once and stops, instead of posting the same ones for ever', async () => {
    const cfg = posting();
    const first = createConsent(cfg);
    await first.decide({ analytics: true });
    await first.decide({ marketing: false });
    await first.decide({ analytics: false });
    const raw = createStore(cfg.storageName, 'keyval');
    await set(['r', 0], null, raw);
    await set(['r', 2], {}, raw);
    // The next page view delivers the log; before the fix it posted about 1,200 times in these 500 ms.
    deliver(createConsent(cfg), { retryMs: 10 });
    await settle(500);
    expect(posted.length).toBeLessThanOrEqual(2);
  });
});

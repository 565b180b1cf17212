// The inline stub a page pastes before the Optin script tag (built as dist/optin-stub.js): `window.consent` queues
// calls until the script-tag build replaces it with the real instance and replays them in order.
//
// Queue format, `window.consent.q`: one array per call, oldest first, replayed by widgets/script-tag.ts:
//   [name, args, resolve, reject, at]  name 'require' | 'decide' | 'decideAll' | 'withdraw': the stub returned a
//                                  promise that settles as the real call does; `at` is the time of the call
//                                  (Date.now()), from which require's timeoutMs counts
//   [name, args]                   name 'show' | 'showPreferences'
//   ['gate', args, bind]           `bind(realGated)` makes the function the stub's gate() returned forward to
//                                  `realGated` from then on (`bind(() => {})` drops its calls)
//   ['call', args, gated]          a call of such a function made before it was bound (its first 100 only);
//                                  replayed as gated(...args)
// The stub is also window[Symbol.for('optinq')], where the script tag finds it once another script has replaced
// window.consent.
// Kept to plain closures and no imports: it is pasted into every page, so every byte counts.

type Fn = (...args: unknown[]) => unknown;

/** One queued call; see the header comment. */
export type StubCall =
  | [name: 'require' | 'decide' | 'decideAll' | 'withdraw', args: unknown[], resolve: (value: unknown) => void, reject: (error: unknown) => void, at?: number]
  | [name: 'show' | 'showPreferences', args: unknown[]]
  | [name: 'gate', args: unknown[], bind: (gated: Fn) => void]
  | [name: 'call', args: unknown[], gated: Fn];

/** What the stub puts on `window.consent` until the real instance replaces it. */
export interface Stub {
  readonly q: StubCall[];
  require: (...args: unknown[]) => Promise<unknown>;
  decide: (...args: unknown[]) => Promise<unknown>;
  decideAll: (...args: unknown[]) => Promise<unknown>;
  withdraw: (...args: unknown[]) => Promise<unknown>;
  show: (...args: unknown[]) => void;
  showPreferences: (...args: unknown[]) => void;
  gate: (...args: unknown[]) => (...args: unknown[]) => void;
  /** Always false: there is no consent before the stored decisions are read. */
  has: () => false;
}

// The stub is also kept under a key of its own, where the script tag finds it when another script has replaced
// window.consent since (a tag manager's own `consent`): the calls queued before are answered all the same.
const w = window as unknown as { consent?: unknown; [stub: symbol]: unknown };
const found = w.consent as { [mark: symbol]: unknown } | undefined;
// Named once: three `Symbol.for(` cost more bytes than the name.
const key = Symbol.for;
let ours: unknown;
try {
  ours = w[key('optinq')] || found?.[key('optin')];
} catch {
  // A frame named "consent" (<iframe name="consent">) from another origin: window.consent is its window, which
  // throws on any read. Not Optin's.
}
// Left alone only when it is Optin's: this stub pasted twice, or the real instance (marked by widgets/script-tag.ts).
// Anything else by that name, such as an element with id="consent" that browsers expose as window.consent or another
// script's queue, is shadowed: a page's early consent.gate() must not throw.
if (!ours) {
  const q: StubCall[] = [];
  const later =
    (name: 'require' | 'decide' | 'decideAll' | 'withdraw') =>
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        // require's timeoutMs counts from the call, also when the script loads late or never does (an ad blocker, a
        // 404): so the stub keeps it too. No timer past 2^31 - 1 ms, as in require(): one would fire at once.
        // None given (undefined, or null as the real require() reads it) is no timer either.
        const timeoutMs = (args[1] as { timeoutMs?: number } | null | undefined)?.timeoutMs ?? 2 ** 31;
        if (timeoutMs < 2 ** 31) setTimeout(reject, timeoutMs, Object.assign(Error('No decision in time'), { code: 'timeout' }));
        q.push([name, args, resolve, reject, Date.now()]);
      });
  const now = (name: 'show' | 'showPreferences') => (...args: unknown[]) => void q.push([name, args]);
  const stub: Stub = {
    q,
    require: later('require'),
    decide: later('decide'),
    decideAll: later('decideAll'),
    withdraw: later('withdraw'),
    show: now('show'),
    showPreferences: now('showPreferences'),
    has: () => false,
    gate(...args) {
      let real: Fn | undefined;
      // The first 100 calls, as many as the real gate() holds by default: when the script never loads (an ad blocker),
      // nothing empties the queue, and a function called on every scroll would hold calls until the tab is closed.
      let left = 100;
      const gated = (...call: unknown[]) => void (real ? real(...call) : 0 < left-- && q.push(['call', call, gated]));
      q.push(['gate', args, (fn: Fn) => (real = fn)]);
      return gated;
    },
  };
  // Reflect.set: a read-only window.consent (another script's) refuses it without a TypeError thrown into the page.
  // The script tag warns then.
  Reflect.set(w, 'consent', (w[key('optinq')] = stub));
}

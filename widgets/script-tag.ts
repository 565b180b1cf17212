// The script-tag build (dist/optin.global.js): reads the page's config, creates the page's one consent instance
// with its dialogs and declarative blocking, puts it on `window.consent` and replays what the stub queued.
import { blockElements, consentMode, createConsent, deliverReceipts, guardNetwork, type Consent, type ConsentConfig, type RequireOptions } from '../src/index.js';
import { member } from '../src/dom.js';
import { readConfig } from './config-source.js';
import { mountDialogs } from './index.js';
import type { Stub, StubCall } from './stub.js';

// Symbol.for, so that a second copy of this file (another bundle, another version) sees the mark of the first.
const MARK = Symbol.for('optin');
// Where the stub also keeps itself (stub.ts).
const STUB = Symbol.for('optinq');

type Fn = (...args: unknown[]) => unknown;
type Global = { consent?: unknown; [MARK]?: true; [STUB]?: Stub };

// In both handlers, `fn` is the third item of a queued call: resolve, bind or the gated function (see stub.ts).

/** Makes one queued call on the real instance; the stub's promise settles as the real call does. */
const replay =
  (consent: Consent): ((call: StubCall) => void) =>
  (call) => {
    const [name, args, fn, reject] = call;
    if (name == 'call') return void fn(...args);
    if (name == 'gate') {
      // Bound even when gate() throws (unknown id), or the stub would queue that function's calls for ever.
      let gated: Fn = () => undefined;
      try {
        gated = (consent.gate as Fn)(...args) as Fn;
      } finally {
        fn(gated);
      }
      return;
    }
    // The stub rejects a require() on its own once its timeoutMs has passed since the call (stub.ts): the real call
    // gets what is left, so that a prompt it opens closes then too (at once when none is). `at`, the time of the
    // call, is missing from an older pasted stub: its timeout then counts from now.
    const options = args[1] as RequireOptions | undefined;
    const at = (call as unknown[])[4] as number | undefined;
    const left = name == 'require' && at && options?.timeoutMs != null ? [args[0], { ...options, timeoutMs: options.timeoutMs + at - Date.now() }] : args;
    const run = () => (consent[name] as Fn).apply(consent, left);
    if (name == 'show' || name == 'showPreferences') return void run();
    // A promise, so that a synchronous throw (withdraw of an unknown id) rejects the stub's promise too.
    void new Promise((resolve) => resolve(run())).then(fn, reject);
  };

/** After a failed start: queued promises reject with the error, gates drop their calls, dialogs stay closed. */
const refuse =
  (error: unknown): ((call: StubCall) => void) =>
  ([name, , fn, reject]) => {
    if (name == 'gate') fn(() => undefined);
    else reject?.(error);
  };

/**
 * The stub, from `window.consent` or, when another script has replaced it there since, from where the stub keeps
 * itself too; and whether `window.consent` holds another script's object (`other`) rather than nothing or markup
 * named "consent". Never throws: a frame named "consent" (<iframe name="consent">) from another origin is
 * window.consent too, and its window throws on any read.
 */
function found(w: Global): { stub?: Stub | undefined; other?: boolean } {
  const stub = w[STUB];
  try {
    const value = w.consent as Stub | undefined;
    // Only the stub's queue: another script's on window.consent (no gate()) is not Optin's to run or to empty.
    if (Array.isArray(value?.q) && typeof value.gate == 'function') return { stub: value };
    return { stub, other: !!value && !value.gate && !(value instanceof Element || value instanceof HTMLCollection || (value as { window?: unknown }).window === value) };
  } catch {
    return { stub };
  }
}

/** Handles the queued calls in order, then each later one at once (a page may have kept the stub object). */
function drain(stub: Stub | undefined, handle: (call: StubCall) => void): void {
  const q = stub?.q;
  if (!q) return;
  const safely = (call: StubCall) => {
    try {
      handle(call);
    } catch (error) {
      console.error('Optin: a call queued before the script loaded failed.', error);
    }
  };
  // By index: a replayed call may queue another one (a gated function that calls the stub), which runs in turn.
  for (let i = 0; i < q.length; i++) safely(q[i]!);
  q.length = 0;
  q.push = (...calls) => {
    calls.forEach(safely);
    return 0;
  };
}

/**
 * What the integrations a refused config asks for answer to: an instance that grants nothing. Google's tags still
 * get the Consent Mode default, every mapped type denied, and the network guard still holds the hosts the purposes
 * declare (a necessary purpose's stay open, as with a working config): a mistake in the config must not let a
 * Google tag loaded on its own, or code that skips the gate, collect as if consent had been given. Read from the
 * JSON as the page gave it: only lists of strings count.
 */
function grantingNothing(config: unknown): Consent {
  const { networkGuard, purposes, consentMode } = (config ?? {}) as { networkGuard?: unknown; purposes?: unknown; consentMode?: unknown };
  const strings = (list: unknown) => (Array.isArray(list) ? list.filter((item) => typeof item == 'string') : []);
  type Declared = { id?: unknown; hosts?: unknown; necessary?: unknown } | null;
  return {
    config: {
      networkGuard,
      purposes: (Array.isArray(purposes) ? (purposes as Declared[]) : []).map((p) => ({ id: String(p?.id), hosts: p?.necessary === true ? [] : strings(p?.hosts) })),
      consentMode: consentMode && typeof consentMode == 'object' && Object.fromEntries(Object.entries(consentMode).map(([id, types]) => [id, strings(types)])),
    },
    ready: Promise.resolve(),
    has: () => false,
    on: () => () => undefined,
  } as unknown as Consent;
}

async function boot(): Promise<void> {
  // Only set while this file's own code first runs, so read before the first await. Past markup such as
  // <img name="currentScript" data-config="…"> (src/dom.ts), which would choose the config, that is what people are
  // asked to consent to and where their receipts go.
  const script = member(document, 'currentScript');
  const w = window as Global;
  // Its own config (data-config) goes unread too: said, so that a site owner who added it for another config knows.
  if (w[MARK]) return console.warn('Optin is already on this page: this second copy does nothing and reads no config of its own. Keep one Optin script tag, with the config you mean.');
  Object.defineProperty(w, MARK, { value: true, configurable: true });
  // The stub is read when its calls are handled, not now: a tag with `async`, or one without defer placed above the
  // stub, runs before the stub exists.
  try {
    // A script tag without defer may run before the config tag and <body> exist. Not until DOMContentLoaded: the
    // page's deferred scripts run before it, and must find the network guard and the Consent Mode default on. Read
    // past markup named like these members (src/dom.ts).
    if (member(document, 'readyState') == 'loading') await new Promise((done) => member(document, 'addEventListener')('readystatechange', done, { once: true }));
    const config = await readConfig(script);
    let consent: Consent | undefined;
    try {
      consent = createConsent(config as ConsentConfig);
    } finally {
      // What the config asks for beyond the dialogs, before them and before any declared script runs, for a refused
      // config too: Google's tags find the Consent Mode default first, and no request to a declared host leaves
      // before its yes.
      const integrated = consent ?? grantingNothing(config);
      consentMode(integrated);
      if (integrated.config.networkGuard) guardNetwork(integrated);
    }
    deliverReceipts(consent);
    mountDialogs(consent, { floatingButton: script?.getAttribute('data-floating-button') != 'false' });
    blockElements(consent);
    Object.defineProperty(consent, MARK, { value: true });
    const { stub, other } = found(w);
    // Exposed before the stored decisions load, so a page's `consent:change` listener reads the real has(). Not over
    // a read-only one, without a TypeError: the dialogs and declared elements work without it.
    Reflect.set(w, 'consent', consent);
    // Another script's object, not the stub nor markup named "consent" (an element, a frame): calls made through it
    // never reach Optin and wait for ever, so nothing they hold is granted (those queued in a stub it replaced are
    // answered below, unless that stub was pasted from an older README, which kept itself nowhere else). Said, with
    // the fix.
    if (other) {
      console.warn("Optin: another script took window.consent: calls to Optin made through it are lost and nothing they wait for is granted. Rename that script's global.");
    }
    drain(stub, replay(consent));
  } catch (error) {
    console.error('Optin did not start: no dialog is shown, nothing is granted and declared scripts stay blocked.', error);
    drain(found(w).stub, refuse(error));
  }
}

// The last resort of "never break the host page": boot() reports its own errors; nothing may escape it.
boot().catch(() => undefined);

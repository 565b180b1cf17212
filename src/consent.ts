// createConsent: one instance per page that holds the decisions in memory, answers has/require/gate from them,
// and keeps storage, receipts, other tabs and the dialogs in step. Faults become `error` events, never a yes.
import { validateConfig } from './config.js';
import { ConsentConfigError, ConsentDeniedError, ConsentError, ConsentStorageError } from './errors.js';
import { createEmitter } from './events.js';
import { dequeue, enqueue, settle, type Queues, type Waiter } from './gate.js';
import { disclosureText, sha256 } from './hash.js';
import { nearest } from './nearest.js';
import { appendReceipt, readReceipts, verifyReceipts } from './receipts.js';
import { isCurrent, readRecord, SCHEMA } from './records.js';
import { idbStore, memoryStore, type Key } from './store.js';
import { createSync } from './sync.js';
import { BUILT_IN_LOCALES, pickLocale } from './text.js';
import type { Consent, ConsentConfig, ConsentEvents, ConsentUI, DecisionRecord, Purpose, PurposeState } from './types.js';

const DAY = 864e5;
// How long start-up waits for IndexedDB before it runs from memory: a blocked open never answers.
const OPEN_TIMEOUT = 5000;
/** The browser sends a Global Privacy Control signal. */
const gpc = () => (globalThis.navigator as { globalPrivacyControl?: boolean } | undefined)?.globalPrivacyControl === true;

/**
 * Creates the consent instance for a config. Throws `ConsentConfigError` listing every problem in the config.
 * @example
 * const consent = createConsent({ controller, policy, purposes: [{ id: 'analytics', ... }] });
 * await consent.require('analytics');
 * startAnalytics();
 */
export function createConsent<const C extends ConsentConfig>(config: C): Consent<C['purposes'][number]['id']> {
  type Id = C['purposes'][number]['id'];
  type Choices = { [K in Id]?: boolean };
  validateConfig(config);
  const purposes = new Map<string, Purpose>(config.purposes.map((p) => [p.id, p]));
  const ids = [...purposes.keys()];
  const optional = ids.filter((id) => !purposes.get(id)!.necessary);
  const keys = optional.map((id): Key => ['d', id]);
  const fallback = config.locale ?? 'en';
  // The page's own language first: a dialog in another language than its page is not informed consent.
  const wanted = [globalThis.document?.documentElement.lang ?? '', ...(globalThis.navigator?.languages ?? [])];
  const locale = config.locale ?? pickLocale([...BUILT_IN_LOCALES, ...Object.keys(config.texts ?? {})], wanted);
  const name = config.storageName ?? 'optin';
  const records = new Map<string, DecisionRecord>();
  const held: Queues = new Map();
  const waiting: Queues = new Map();
  const hashes = new Map<string, Promise<string>>();
  const events = createEmitter<ConsentEvents<Id>>();
  const report = (error: ConsentError) => events.emit('error', error);
  const idb = idbStore(name);
  let store = idb;
  let ui: ConsentUI | undefined;
  let memoryOnly = false;

  const check = (id: string) => {
    if (!purposes.has(id)) {
      const near = nearest(id, ids);
      throw new ConsentConfigError([{ path: id, message: `is not a purpose in the config${near ? `; did you mean "${near}"?` : ': add it to purposes'}` }]);
    }
  };
  const hashOf = (id: string, shown: string) => {
    const key = shown + '\n' + id;
    if (!hashes.has(key)) hashes.set(key, sha256(disclosureText(purposes.get(id)!, shown, fallback)));
    return hashes.get(key)!;
  };
  const state = (id: string): PurposeState => {
    const record = records.get(id);
    if (purposes.get(id)?.necessary) return 'granted';
    return !record || record.expires <= Date.now() ? 'undecided' : record.granted ? 'granted' : 'denied';
  };
  const states = () => Object.fromEntries(ids.map((id) => [id, state(id)])) as { [K in Id]: PurposeState };
  const changed = (list: Id[]) => list.length && events.emit('change', { states: states(), changed: list });

  // Storage failed: from now on decisions live in memory only, and the page learns why through `error`.
  const toMemory = (cause: unknown) => {
    if (!memoryOnly) report(new ConsentStorageError('IndexedDB failed, so decisions are kept for this page view only. Check that IndexedDB is available and has space.', cause));
    memoryOnly = true;
    store = memoryStore();
  };

  // Makes records take effect here: state, held calls, waiting require() calls, `change`. A record older than the
  // one already here (read from storage or another tab while a newer decision was made) changes nothing.
  const apply = (list: readonly DecisionRecord[]) => {
    const ids: Id[] = [];
    for (const record of list) {
      const id = record.purpose;
      if ((records.get(id)?.at ?? -Infinity) > record.at) continue;
      const before = state(id);
      records.set(id, record);
      // Every answer settles what waits for it, also one that repeats the state (a second no after ask: true).
      settle(held, id, record.granted, report);
      settle(waiting, id, record.granted, report);
      if (state(id) == before) continue;
      ids.push(id);
      if (!record.granted) clearStorage(purposes.get(id)!.storage);
    }
    changed(ids);
  };

  // A record from storage or another tab counts only if it parses and still matches what we would show.
  const applyCurrent = async (list: readonly (DecisionRecord | undefined)[]) => {
    const now = Date.now();
    const checked = await Promise.all(list.map(async (r) => (r && isCurrent(r, config.policy.version, await hashOf(r.purpose, r.locale), now) ? r : undefined)));
    apply(checked.filter((r) => r !== undefined));
  };

  const sync = createSync(name, (message) => {
    // Anything can arrive on a BroadcastChannel: records are checked like stored ones.
    if (message?.reset === true) {
      records.clear();
      changed(optional);
    } else if (Array.isArray(message?.records)) applyCurrent(message.records.map((raw) => readRecord(raw, optional))).catch(report);
  });

  const load = async () => {
    let raw: unknown[];
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(reject, OPEN_TIMEOUT, new Error('IndexedDB open timed out (blocked)'))));
      raw = await Promise.race([store.read(keys), timeout]).finally(() => clearTimeout(timer));
    } catch (cause) {
      return toMemory(cause);
    }
    const stored = raw.map((r, i) => {
      const record = readRecord(r, [optional[i]!]);
      if (r != null && !record) report(new ConsentStorageError(`The stored decision for "${optional[i]}" is unreadable or from a newer Optin, so it counts as undecided.`));
      return record;
    });
    await applyCurrent(stored);
    // Global Privacy Control (CCPA, 11 CCR 7025): the signal opts out of every `sale` purpose unless the person
    // opted in to that purpose by itself; a blanket "Accept all" does not override it.
    if (gpc()) {
      const sale = optional.filter((id) => purposes.get(id)!.sale && !['preferences', 'prompt'].includes(state(id) == 'granted' ? records.get(id)!.method : ''));
      await consent.decide(Object.fromEntries(sale.filter((id) => state(id) != 'denied').map((id) => [id, false])) as Choices, { method: 'signal' });
    }
  };

  const consent: Consent<Id> = {
    ready: Promise.resolve(),
    config,
    locale,
    get memoryOnly() {
      return memoryOnly;
    },
    // An unknown id is no consent, reported as an `error` event rather than thrown into the page's code.
    has(id) {
      if (purposes.has(id)) return state(id) == 'granted';
      try {
        check(id);
      } catch (error) {
        report(error as ConsentConfigError);
      }
      return false;
    },
    state: ((id?: Id) => (id === undefined ? states() : (check(id), state(id)))) as Consent<Id>['state'],

    // async: a bad id or an earlier no becomes a rejection, never a throw at the call site.
    async require(id, { ask = false, signal, timeoutMs } = {}) {
      check(id);
      if (state(id) == 'granted') return;
      await consent.ready;
      if (state(id) == 'granted') return;
      if (state(id) == 'denied' && !ask) throw new ConsentDeniedError(id);
      return new Promise<void>((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stop = (error?: Error) => {
          dequeue(waiting, id, waiter);
          clearTimeout(timer);
          signal?.removeEventListener('abort', abort);
          // Nobody waits for this purpose any more (a timeout, an abort): its prompt, if open, closes unanswered.
          if (!waiting.get(id)?.length && state(id) != 'granted') ui?.cancel?.(id);
          if (error) reject(error);
          else resolve();
        };
        const waiter: Waiter = { yes: () => stop(), no: () => stop(new ConsentDeniedError(id)) };
        const abort = () => stop(signal!.reason as Error);
        if (signal?.aborted) return abort();
        enqueue(waiting, id, waiter);
        signal?.addEventListener('abort', abort);
        if (timeoutMs != null) timer = setTimeout(() => stop(new ConsentError('timeout', `No decision about "${id}" within ${timeoutMs} ms; nothing was collected.`)), timeoutMs);
        // The dialogs, when attached, ask the person; their answer arrives through decide(). A closed prompt answers
        // nothing: this call rejects and nothing is recorded.
        ui?.prompt(id, { ask }).then(
          (answered) => answered || stop(new ConsentDeniedError(id, true)),
          (cause: unknown) => {
            const error = new ConsentError('callback', 'The consent prompt failed; nothing was granted.', { cause });
            report(error);
            stop(error);
          },
        );
      });
    },

    gate(id, fn, { hold = true, limit = 100 } = {}) {
      check(id);
      return (...args) => {
        const now = state(id);
        if (now == 'granted') fn(...args);
        else if (now == 'undecided' && hold && enqueue(held, id, { yes: () => fn(...args) }, limit)) {
          report(new ConsentError('dropped', `More than ${limit} calls held for "${id}" before a decision: the oldest was dropped. Raise gate(id, fn, { limit }) or collect less before consent.`));
        }
      };
    },

    // async, so bad input rejects; everything before the first await (the decision taking effect) is synchronous.
    async decide(choices, { method = 'api', locale: shown = locale } = {}) {
      const at = Date.now();
      const list: DecisionRecord[] = [];
      for (const [id, granted] of Object.entries(choices as Record<string, unknown>)) {
        check(id);
        if (typeof granted != 'boolean') throw new ConsentConfigError([{ path: `decide.${id}`, message: `must be true or false, not ${typeof granted}` }]);
        if (purposes.get(id)!.necessary) continue;
        list.push({ v: SCHEMA, purpose: id, granted, at, expires: at + (config.expiresAfterDays ?? 180) * DAY, policy: config.policy.version, hash: '', locale: shown, method });
      }
      if (!list.length) return;
      // Takes effect at once; the proof (with the SHA-256 of the disclosure shown) follows.
      apply(list);
      for (const record of list) (record as { hash: string }).hash = await hashOf(record.purpose, shown);
      sync.post({ records: list });
      events.emit('decision', { records: list, method });
      try {
        await store.write(list.map((r) => [['d', r.purpose], r]));
        await appendReceipt(store, { at, policy: config.policy.version, method, locale: shown, choices: Object.fromEntries(list.map((r) => [r.purpose, r.granted])), hashes: Object.fromEntries(list.map((r) => [r.purpose, r.hash])) });
      } catch (cause) {
        toMemory(cause);
      }
      // Kept in memory only: the older decision stored in IndexedDB (a yes withdrawn since) must not come back after
      // a reload, so it is removed there as far as IndexedDB still allows. A reload then starts undecided.
      if (memoryOnly) idb.write(list.map((r) => [['d', r.purpose], undefined])).catch(() => undefined);
    },

    decideAll(granted, options) {
      // "Accept all" never covers a sensitive purpose, nor a sale under a Global Privacy Control signal.
      const chosen = optional.filter((id) => !granted || !(purposes.get(id)!.sensitive || (purposes.get(id)!.sale && gpc())));
      return consent.decide(Object.fromEntries(chosen.map((id) => [id, granted])) as Choices, options);
    },

    withdraw(id, options) {
      return consent.decide(Object.fromEntries((id === undefined ? optional : [id]).map((i) => [i, false])) as Choices, options);
    },

    async reset() {
      records.clear();
      changed(optional);
      sync.post({ reset: true });
      await store.write(keys.map((key) => [key, undefined])).catch(toMemory);
    },

    on(event, listener, { replay = false } = {}) {
      if (replay && event == 'change') (listener as (p: ConsentEvents<Id>['change']) => void)({ states: states(), changed: [] });
      return events.on(event, listener);
    },
    receipts: () => readReceipts(store),
    verifyReceipts: () => verifyReceipts(store),
    disclosureHash: (id, shown = locale) => (check(id), hashOf(id, shown)),
    show: () => ui?.show(),
    showPreferences: () => ui?.showPreferences(),
    attach(next) {
      ui = next;
      return () => void (ui == next && (ui = undefined));
    },
  };
  (consent as { ready: Promise<void> }).ready = load().catch(report);
  return consent;
}

// Withdrawal stops what the purpose left on this device too (GDPR Art. 7(3), PIPL Arts. 15 and 47).
function clearStorage(names: readonly string[] = []) {
  for (const key of names) {
    try {
      globalThis.localStorage?.removeItem(key);
      if (globalThis.document) document.cookie = key + '=; Max-Age=0; path=/';
    } catch {
      // Storage access throws in sandboxed frames; then there is nothing of ours to clear.
    }
  }
}

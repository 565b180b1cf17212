// createConsent: one instance per page that holds the decisions in memory, answers has/require/gate from them,
// and keeps storage, receipts, other tabs and the dialogs in step. Faults become `error` events, never a yes.
import { validateConfig } from './config.js';
import { ConsentConfigError, ConsentDeniedError, ConsentError, ConsentStorageError } from './errors.js';
import { createEmitter } from './events.js';
import { createHolds } from './gate.js';
import { disclosureText, sha256 } from './hash.js';
import { nearest } from './nearest.js';
import { appendReceipt, readReceipts, verifyReceipts } from './receipts.js';
import { isCurrent, readRecord, SCHEMA } from './records.js';
import { idbStore, memoryStore, type Store } from './store.js';
import { createSync, type SyncMessage } from './sync.js';
import { createWaiters } from './waiters.js';
import { BUILT_IN_LOCALES, pickLocale } from './text.js';
import type { Consent, ConsentConfig, ConsentEvents, ConsentUI, DecisionMethod, DecisionRecord, PurposeState } from './types.js';

const DAY = 864e5;
// How long start-up waits for IndexedDB before it gives up and runs from memory (a blocked open never answers).
const OPEN_TIMEOUT = 5000;

/**
 * Creates the consent instance for a config. Throws `ConsentConfigError` listing every problem in the config.
 * @example
 * const consent = createConsent({ controller, policy, purposes: [{ id: 'analytics', ... }] });
 * await consent.require('analytics');
 * startAnalytics();
 */
export function createConsent<const C extends ConsentConfig>(config: C): Consent<C['purposes'][number]['id']> {
  type Id = C['purposes'][number]['id'];
  validateConfig(config);
  const purposes = new Map(config.purposes.map((p) => [p.id, p]));
  const ids = [...purposes.keys()];
  const optional = config.purposes.filter((p) => !p.necessary).map((p) => p.id);
  const fallback = config.locale ?? 'en';
  const locale = config.locale ?? pickLocale([...BUILT_IN_LOCALES, ...Object.keys(config.texts ?? {})], globalThis.navigator?.languages ?? [], 'en');
  const name = config.storageName ?? 'optin';
  const records = new Map<string, DecisionRecord>();
  const waiters = createWaiters();
  const events = createEmitter<ConsentEvents<Id>>();
  const report = (error: ConsentError) => events.emit('error', error);
  const holds = createHolds(report);
  const hashes = new Map<string, Promise<string>>();
  let store: Store = idbStore(name);
  let ui: ConsentUI | undefined;
  let memoryOnly = false;

  const check = (id: string, where: string) => {
    if (purposes.has(id)) return;
    const near = nearest(id, ids);
    throw new ConsentConfigError([{ path: where, message: `"${id}" is not a purpose in the config${near ? `; did you mean "${near}"?` : '; add it to purposes'}` }]);
  };
  const hashOf = (id: string, shown: string) => {
    const key = shown + '\n' + id;
    let hash = hashes.get(key);
    if (!hash) hashes.set(key, (hash = sha256(disclosureText(purposes.get(id)!, shown, fallback))));
    return hash;
  };
  const state = (id: string): PurposeState => {
    if (purposes.get(id)?.necessary) return 'granted';
    const record = records.get(id);
    return !record || record.expires <= Date.now() ? 'undecided' : record.granted ? 'granted' : 'denied';
  };
  const states = () => Object.fromEntries(ids.map((id) => [id, state(id)])) as { [K in Id]: PurposeState };

  // Storage failed: from now on decisions live in memory only, and the person is told through `error`.
  const toMemory = (cause: unknown) => {
    if (!memoryOnly) report(new ConsentStorageError('IndexedDB failed: decisions are kept for this page view only. Check that IndexedDB is available and has space.', cause));
    memoryOnly = true;
    store = memoryStore();
  };

  // Makes records take effect here: state, held calls, waiting require() calls, `change`.
  const apply = (list: readonly DecisionRecord[]) => {
    const changed: Id[] = [];
    for (const record of list) {
      const id = record.purpose;
      const before = state(id);
      records.set(id, record);
      if (state(id) == before) continue;
      changed.push(id);
      if (record.granted) holds.release(id);
      else {
        holds.drop(id);
        clearStorage(purposes.get(id)?.storage);
      }
      waiters.decided(id, record.granted);
    }
    if (changed.length) events.emit('change', { states: states(), changed });
  };

  const persist = async (list: DecisionRecord[], method: DecisionMethod, shown: string) => {
    const keys = list.map((r) => ['d', r.purpose] as [string, string]);
    try {
      await store.write(list.map((r, i) => [keys[i]!, r]));
      await appendReceipt(store, {
        at: list[0]!.at, policy: config.policy.version, method, locale: shown,
        choices: Object.fromEntries(list.map((r) => [r.purpose, r.granted])),
        hashes: Object.fromEntries(list.map((r) => [r.purpose, r.hash])),
      });
    } catch (cause) {
      // An older stored decision must not come back after a reload (a withdrawn yes turning into a yes again).
      store.write([], keys).catch(() => undefined);
      toMemory(cause);
    }
  };

  // A record from storage or another tab counts only if it parses and still matches what we would show.
  const current = async (raw: unknown, id: string) => {
    const record = purposes.has(id) ? readRecord(raw, id) : undefined;
    return record && isCurrent(record, config.policy.version, await hashOf(id, record.locale), Date.now()) ? record : undefined;
  };
  const applyCurrent = async (list: unknown[], ids: readonly string[]) =>
    apply((await Promise.all(list.map((raw, i) => current(raw, ids[i]!)))).filter((r) => r != undefined));

  const receive = (message: SyncMessage) => {
    if ('reset' in message) {
      records.clear();
      return events.emit('change', { states: states(), changed: optional });
    }
    const list = Array.isArray(message.records) ? (message.records as unknown[]) : [];
    return applyCurrent(list, list.map((raw) => (raw as DecisionRecord | null)?.purpose ?? ''));
  };
  const sync = createSync(name, (message) => void Promise.resolve(message && receive(message)).catch(report));

  const load = async () => {
    let raw: unknown[];
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('open timed out (blocked)')), OPEN_TIMEOUT)));
      raw = await Promise.race([store.read(optional.map((id) => ['d', id])), timeout]).finally(() => clearTimeout(timer));
    } catch (cause) {
      return toMemory(cause);
    }
    raw.forEach((r, i) => r != null && !readRecord(r, optional[i]!) && report(new ConsentStorageError(`The stored decision for "${optional[i]}" is unreadable or from a newer Optin: it counts as undecided.`)));
    // A decision made (here or in another tab) while we were loading is newer than anything stored.
    await applyCurrent(raw.map((r, i) => (records.has(optional[i]!) ? undefined : r)), optional);
    honourGlobalPrivacyControl();
  };

  // GPC (CCPA 11 CCR 7025): the signal opts out of every `sale` purpose unless the person opted in to that
  // purpose by itself (preferences or prompt); a blanket "Accept all" or an API call does not override it.
  const gpc = () => (globalThis.navigator as { globalPrivacyControl?: boolean } | undefined)?.globalPrivacyControl === true;
  const honourGlobalPrivacyControl = () => {
    const sale = optional.filter((id) => purposes.get(id)!.sale && state(id) != 'denied' && !['preferences', 'prompt'].includes(records.get(id)?.method ?? ''));
    if (gpc() && sale.length) void consent.decide(Object.fromEntries(sale.map((id) => [id, false])) as { [K in Id]?: boolean }, { method: 'signal' });
  };

  const consent: Consent<Id> = {
    ready: Promise.resolve(),
    config: config,
    locale,
    get memoryOnly() {
      return memoryOnly;
    },
    has: (id) => state(id) == 'granted',
    state: ((id?: Id) => (id === undefined ? states() : (check(id, 'state'), state(id)))) as Consent<Id>['state'],

    // async: a bad id or an earlier no becomes a rejection, never a throw at the call site.
    async require(id, { ask = false, signal, timeoutMs } = {}) {
      check(id, 'require');
      if (state(id) == 'granted') return;
      await consent.ready;
      if (state(id) == 'granted') return;
      if (state(id) == 'denied' && !ask) throw new ConsentDeniedError(id);
      const waiting = waiters.wait(id, signal, timeoutMs);
      // The dialogs, when attached, ask the person; their answer arrives through decide(). A closed prompt
      // answers nothing: this call rejects, nothing is recorded.
      ui?.prompt(id, { ask }).then(
        (answered) => answered || waiting.cancel(new ConsentDeniedError(id, true)),
        (cause: unknown) => report(new ConsentError('callback', 'The consent prompt failed; nothing was granted.', { cause })),
      );
      return waiting.promise;
    },

    gate(id, fn, { hold = true, limit = 100 } = {}) {
      check(id, 'gate');
      return (...args) => {
        const now = state(id);
        if (now == 'granted') fn(...args);
        else if (now == 'undecided' && hold) holds.hold(id, () => fn(...args), limit);
      };
    },

    // async, so bad input rejects; everything before the first await (the decision taking effect) is synchronous.
    async decide(choices, { method = 'api', locale: shown = locale } = {}) {
      const at = Date.now();
      const list: DecisionRecord[] = [];
      for (const [id, granted] of Object.entries(choices as Record<string, unknown>)) {
        check(id, 'decide');
        if (typeof granted != 'boolean') throw new ConsentConfigError([{ path: `decide.${id}`, message: `must be true or false, not ${typeof granted}` }]);
        if (purposes.get(id)!.necessary) continue;
        list.push({ v: SCHEMA, purpose: id, granted, at, expires: at + (config.expiresAfterDays ?? 180) * DAY, policy: config.policy.version, hash: '', locale: shown, method });
      }
      apply(list);
      // The disclosure hash (async SHA-256) is filled in before anything is stored or sent.
      const final = await Promise.all(list.map(async (r) => ({ ...r, hash: await hashOf(r.purpose, shown) })));
      for (const [i, record] of final.entries()) if (records.get(record.purpose) === list[i]) records.set(record.purpose, record);
      if (!final.length) return;
      sync.post({ records: final });
      events.emit('decision', { records: final, method });
      await persist(final, method, shown);
    },

    decideAll(granted, options) {
      const yes = (id: string) => !purposes.get(id)!.sensitive && !(purposes.get(id)!.sale && gpc());
      const chosen = optional.filter((id) => !granted || yes(id));
      return consent.decide(Object.fromEntries(chosen.map((id) => [id, granted])) as { [K in Id]?: boolean }, options);
    },

    withdraw(id, options) {
      const chosen = id === undefined ? optional : (check(id, 'withdraw'), [id]);
      return consent.decide(Object.fromEntries(chosen.map((i) => [i, false])) as { [K in Id]?: boolean }, options);
    },

    async reset() {
      records.clear();
      events.emit('change', { states: states(), changed: optional });
      sync.post({ reset: true });
      await store.write([], optional.map((id) => ['d', id])).catch((cause: unknown) => toMemory(cause));
    },

    on(event, listener, { replay = false } = {}) {
      const off = events.on(event, listener);
      if (replay && event == 'change') (listener as (p: ConsentEvents<Id>['change']) => void)({ states: states(), changed: [] });
      return off;
    },
    receipts: () => readReceipts(store),
    verifyReceipts: () => verifyReceipts(store),
    disclosureHash: (id, shown = locale) => (check(id, 'disclosureHash'), hashOf(id, shown)),
    show: () => ui?.show(),
    showPreferences: () => ui?.showPreferences(),
    attach(next) {
      ui = next;
      return () => void (ui === next && (ui = undefined));
    },
  };
  (consent as { ready: Promise<void> }).ready = load().catch(report);
  return consent;
}

// Withdrawal must stop what the purpose left behind on this device (GDPR 7(3), PIPL 15 and 47).
function clearStorage(names: readonly string[] | undefined) {
  for (const key of names ?? []) {
    try {
      globalThis.localStorage?.removeItem(key);
      if (globalThis.document) document.cookie = `${key}=; Max-Age=0; path=/`;
    } catch {
      // Storage access can throw in sandboxed iframes; there is nothing of ours to clear then.
    }
  }
}

// createConsent: one instance per page that holds the decisions in memory, answers has/require/gate from them,
// and keeps storage, receipts, other tabs and the dialogs in step. Faults become `error` events, never a yes.
import { validateConfig } from './config.js';
import { ConsentConfigError, ConsentError, ConsentStorageError } from './errors.js';
import { createEmitter } from './events.js';
import { createDecisions } from './decisions.js';
import { gpc, member } from './dom.js';
import { enqueue } from './gate.js';
import { disclosureText, sha256 } from './hash.js';
import { didYouMean } from './nearest.js';
import { fromTheFuture, readRecord, SCHEMA } from './records.js';
import { createPersistence } from './persist.js';
import { createQueue } from './queue.js';
import { waitForConsent } from './require.js';
import { createSync, type SyncMessage } from './sync.js';
import { BUILT_IN_LOCALES, pickLocale } from './text.js';
import type { Consent, ConsentConfig, ConsentEvents, ConsentUI, DecideOptions, DecisionRecord, Purpose } from './types.js';

const DAY = 864e5;

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
  // Own fields only: a page whose Object.prototype was polluted (`?__proto__[necessary]=1` through a query parser)
  // must not make every purpose necessary, so granted, at start-up or at any later has().
  const purposes = new Map<string, Purpose>(config.purposes.map((p) => [p.id, { __proto__: null, ...p } as Purpose]));
  const ids = [...purposes.keys()];
  const optional = ids.filter((id) => !purposes.get(id)!.necessary);
  const policy = config.policy.version;
  const fallback = config.locale ?? 'en';
  // The site's locale, else the page's own language: a dialog in another language than its page is not informed
  // consent. Matched as tags are (`zh`, `zh-cn` → `zh-CN`); a site's locale Optin has no texts for stays as given.
  // <html> past markup named "documentElement" (src/dom.ts), whose own lang would leave it to the browser's.
  const page = globalThis.document && member(document, 'documentElement');
  const wanted = config.locale ? [config.locale] : [page?.lang ?? '', ...(globalThis.navigator?.languages ?? [])];
  const locale = pickLocale([...BUILT_IN_LOCALES, ...Object.keys(config.texts ?? {})], wanted, config.locale);
  const name = config.storageName ?? 'optin';
  const lifetime = (config.expiresAfterDays ?? 180) * DAY;
  const hashes = new Map<string, Promise<string>>();
  const events = createEmitter<ConsentEvents<Id>>();
  const report = (error: ConsentError) => events.emit('error', error);
  const decisions = createDecisions(purposes, optional, events, report);
  const { records, held, waiting, state, states, see, tick, apply, forget, fresh, newer, since: resetTime, last } = decisions;
  // The stored decisions were deleted behind our back: they no longer count here either (fail closed).
  const persist = createPersistence(name, report, () => forget(tick()));
  // Decisions made now are dated after the no that only memory kept, so a yes given since is not taken for one it
  // ended (the clock may have been fast then, and set right since).
  see(persist.noSince);
  let ui: ConsentUI | undefined;
  let loaded = false;
  // The yeses in storage at start-up, once read, those that no longer count too: a no given before then still
  // withdraws them (WDR-04).
  let found!: (yes: DecisionRecord[]) => void;
  const storedYes = new Promise<DecisionRecord[]>((resolve) => (found = resolve));

  /** The error for an id that is not in the config, naming the nearest one. Any value, never a TypeError. */
  const unknown = (id: unknown) => {
    if (purposes.has(id as string)) return;
    return new ConsentConfigError([{ path: String(id), message: `is not a purpose in the config; ${didYouMean(String(id), ids, 'add it to purposes')}` }]);
  };
  const destroyed = () => new ConsentError('destroyed', 'Ended by destroy(): use the instance created after it.');
  const check = (id: string) => {
    const error = unknown(id);
    if (error) throw error;
  };
  const hashOf = (id: string, shown: string) => {
    const key = shown + '\n' + id;
    if (!hashes.has(key)) hashes.set(key, sha256(disclosureText(purposes.get(id)!, shown, fallback)));
    return hashes.get(key)!;
  };
  /**
   * Of `list`, the yes that a no or a reset made now ends, as [purpose, its time]: one until now, here or in storage
   * not read yet (if it is not, also one that no longer counts, see found) and not forgotten by a reset. Asked as it
   * is made, before it takes effect; the answer is the back end's cue to stop processing (WDR-04).
   */
  const ending = (list: readonly string[]) => {
    const held = list.map((id) => records.get(id));
    const resetAt = resetTime();
    return async () => {
      const stored = await storedYes;
      const yes = list.map((id, i) => (held[i] ? held[i].granted && held[i] : stored.find((r) => r.purpose == id && r.at > resetAt)));
      return yes.filter((r) => !!r).map((r) => [r.purpose, r.at] as const);
    };
  };
  /**
   * What a reset (`all`) or a withdrawal of everything forgets beside the config's purposes: every stored decision,
   * or those about purposes the config no longer has (one added back with the same text would find its yes); and
   * their yeses made up to `at`, which it ends: a back end may still process under a yes the config has dropped, or
   * under one another tab stored a moment ago, which this tab has not heard of yet.
   * Only a record under its own purpose's key ever counts, so its `purpose` names every key that matters.
   */
  const others = async (at: number, all?: boolean) => {
    const stored = ((await persist.list()) ?? []) as (DecisionRecord | null)[];
    const gone = stored.filter((r) => all || !ids.includes(r?.purpose as string));
    return [gone.map((r) => String(r?.purpose)), gone.filter((r) => r?.granted && r.at <= at).map((r) => [r!.purpose, r!.at] as const)] as const;
  };
  // Set by withdraw() of everything for the decide() it calls at once, which then forgets `others` too.
  let sweep = false;
  /** The same answer for every purpose of `list`. */
  const all = (list: readonly string[], granted: boolean, options?: DecideOptions) => consent.decide(Object.fromEntries(list.map((id) => [id, granted])) as { [K in Id]?: boolean }, options);

  /** A yes that a later no ended, where only memory could keep that no (storage failed then): it stays ended. */
  const ended = persist.ended;
  /** When a record ends: at its expiry, or sooner under a lifetime shortened since it was written. */
  const endOf = (r: DecisionRecord) => Math.min(r.expires, r.at + lifetime);
  // A parsed record from storage or another tab counts only if it still matches what we would show: the same policy
  // version, the same disclosure, in time. Except a no `told` by another tab: one open on another policy version or
  // disclosure (a deploy between the two loads) must stop this one collecting too (WDR-03, GATE-08).
  const current = async (r: DecisionRecord | undefined, told?: boolean) => {
    if (!r || fromTheFuture(r) || ended(r) || ((r.granted || !told) && (r.policy !== policy || r.hash !== (await hashOf(r.purpose, r.locale))))) return;
    const expires = endOf(r);
    return expires > Date.now() ? { ...r, expires } : undefined;
  };

  // Messages of other tabs take effect one after the other, in the order they were sent (checking a record waits
  // for hashes): two decisions of the same millisecond, or a decision then a reset, end here as they ended there.
  const hear = createQueue();
  // The noes this tab tells the others, in the order they were made.
  const tellNo = createQueue();
  const told = (message: SyncMessage | null | undefined) => {
    // Anything can arrive on a BroadcastChannel: records are checked like stored ones.
    // A reset's time as the other tab sent it, never later than now: a bogus one cannot silence this channel.
    if (message?.reset === true) void hear(() => forget(Math.min(Number(message.at) || Date.now(), tick())));
    else if (Array.isArray(message?.records)) {
      const list = message.records;
      hear(async () => {
        const checked = await Promise.all(list.map((raw) => current(readRecord(raw, optional), true)));
        // Oldest first, so that the later word on a purpose is the one left in force: a malformed message may hold
        // two for one purpose, the older yes last (a no of the same millisecond is the later word, see later()).
        apply(checked.filter(newer).sort((a, b) => a.at - b.at || +b.granted - +a.granted));
      }).catch(report);
    }
  };
  const sync = createSync(name, told);
  // Safari drops what other tabs say to a page while it sits in the back/forward cache (Chrome and Firefox evict the
  // page instead): restored, it would keep collecting under a yes withdrawn meanwhile on another page of the site.
  // So it reads storage again, after its own writes, and takes what it missed as if told: a yes or no stored since,
  // and a reset, which removed a decision it holds. Not in memory-only mode, where storage lacks what it was told.
  const back = (event: Event) => {
    if (!(event as PageTransitionEvent).persisted || persist.memoryOnly) return;
    void persist.inOrder(async () => {
      const raw = await persist.read(optional);
      if (!raw) return;
      const gone = optional.filter((id, i) => raw[i] == null && records.has(id));
      if (gone.length) told({ reset: true, at: Math.max(...gone.map((id) => records.get(id)!.at)) });
      // Each as the purpose of its key, as at start-up; one that is not (undefined) is ignored as in a message.
      told({ records: raw.map((r, i) => readRecord(r, [optional[i]!])) as DecisionRecord[] });
    });
  };
  globalThis.addEventListener?.('pageshow', back);

  const load = async () => {
    // Nothing read (storage failed): everything is undecided, and the privacy signal below still applies.
    const raw = (await persist.read(optional)) ?? [];
    // Each record is read as the purpose of its key: one copied under another key decides nothing.
    const parsed = raw.map((r, i) => readRecord(r, [optional[i]!]));
    const stored = await Promise.all(parsed.map((r) => current(r)));
    // A yes that a new policy version, a changed disclosure or expiry ended may be the last word the back end has:
    // a no withdraws it too. So does one a no kept in memory only ended: that no's receipt may be lost with its tab.
    found(parsed.filter((r) => r?.granted) as DecisionRecord[]);
    raw.forEach((r, i) => {
      const record = parsed[i];
      // Decided while this was read: newer than what is stored. A no then keeps a stored standing opt-out, which
      // only an own yes ends (it is stored with it, in the same order of work).
      const meanwhile = record && records.get(record.purpose);
      if (record?.optOut && meanwhile && !meanwhile.granted) (meanwhile as { optOut?: true }).optOut = true;
      if (record && !stored[i] && !meanwhile && record.at > resetTime() && !ended(record)) {
        // Readable but no longer counting: kept as what came before. In time but about another policy version or
        // disclosure, it is asked again and the dialogs say that it changed (PIPL Art. 14: a changed purpose needs a
        // new consent, given knowingly).
        decisions.keepEarlier(record, endOf(record) > Date.now());
      } else if (!record && r != null) report(new ConsentStorageError(`The stored decision for "${optional[i]}" is unreadable or from a newer Optin, so it counts as undecided.`));
    });
    stored.forEach((r) => r && see(r.at));
    // Dated over a day ahead: removed, so that it cannot start to count once the clock has caught up with it. An
    // ended yes too, so that it cannot count again once the site clears localStorage.
    // Each as of its own date: a decision another tab stored over it since then stays.
    for (const r of parsed) if (r && (fromTheFuture(r) || ended(r)) && !records.has(r.purpose)) void persist.inOrder(() => persist.clear([r.purpose], r.at));
    // A no kept in memory only while the clock was over a day fast: every yes given since the clock was set right is
    // dated before it and would be taken for one it ended. It stands until those are removed (not if that failed).
    if (fromTheFuture({ at: persist.noSince })) void persist.inOrder(persist.removedEnded);
    // A visitor whose decisions were stored before the first-visit flag existed gets it now, so the banner waits.
    if (stored.some(Boolean)) persist.remember();
    // Global Privacy Control (CCPA, 11 CCR 7025(c)): the signal opts out of every `sale` purpose, over an earlier
    // yes too, unless the person opted in to that purpose by itself while the signal was sent. Such a yes never
    // takes effect here, not even for the calls held until now.
    const sale = gpc() ? optional.filter((id) => purposes.get(id)!.sale) : [];
    const optedIn = (r?: DecisionRecord) => r?.granted && r.gpc === true && ['preferences', 'prompt'].includes(r.method);
    const overridden = (r?: DecisionRecord) => r?.granted && sale.includes(r.purpose) && !optedIn(r);
    // What was decided on this page or heard from another tab since start-up is newer than anything stored, whatever
    // the clock said when that was written.
    apply(
      stored.filter(fresh).filter((r) => !overridden(r)),
      false,
    );
    // Recorded once: a no without the signal's standing opt-out gets it too.
    await all(sale.filter((id) => !optedIn(records.get(id)) && records.get(id)?.optOut !== true), false, { method: 'signal' });
  };

  const consent: Consent<Id> = {
    // load() first waits for storage, so it only reaches `consent` once this object exists.
    ready: load()
      .catch(report)
      .finally(() => {
        loaded = true;
        found([]);
      }),
    // With the purposes as the core reads them, own fields only: the dialogs and integrations then read a polluted
    // Object.prototype no more than the core does (a `necessary` would show every purpose as always on, never asked).
    config: { ...config, purposes: [...purposes.values()] } as C,
    locale,
    firstVisit: persist.firstVisit,
    get memoryOnly() {
      return persist.memoryOnly;
    },
    // An unknown id is no consent, reported as an `error` event rather than thrown into the page's code.
    has(id) {
      const error = unknown(id);
      if (error) report(error);
      return state(id) == 'granted';
    },
    state: ((id?: Id) => (id === undefined ? states() : (check(id), state(id)))) as Consent<Id>['state'],

    // async: a bad id or an earlier no becomes a rejection, never a throw at the call site.
    async require(id, options) {
      check(id);
      if (decisions.stopped()) throw destroyed();
      if (state(id) == 'granted') return;
      return waitForConsent({ ready: consent.ready, waiting, state, ui: () => ui, report }, id, options);
    },

    gate(id, fn, { hold = true, limit = 100 } = {}) {
      check(id);
      return (...args) => {
        const now = state(id);
        if (now == 'granted') fn(...args);
        // Run only while still granted: a held call that withdraws (or a listener of its effects) stops the rest.
        else if (now == 'undecided' && hold && enqueue(held, id, { yes: () => void (state(id) == 'granted' && fn(...args)) }, limit)) {
          report(new ConsentError('dropped', `More than ${limit} calls held for "${id}" before a decision: the oldest was dropped. Raise gate(id, fn, { limit }) or collect less before consent.`));
        }
      };
    },

    // async, so bad input rejects; everything before the first await (the decision taking effect) is synchronous.
    async decide(choices, { method = 'api', locale: shown = locale, text, action } = {}) {
      const at = tick();
      const everything = sweep;
      sweep = false;
      const string = (key: string, value: unknown, what: string) => {
        if (value !== undefined && typeof value != 'string') throw new ConsentConfigError([{ path: 'decide.' + key, message: `must be ${what}, a string, not ${typeof value}` }]);
      };
      string('text', text, 'the notice text shown');
      string('action', action, "the control the person used, like 'allow'");
      // Stored and told with the decision: one that storage and other tabs could not read back would be lost there.
      string('locale', shown, 'a locale');
      const acted = action === undefined ? {} : { action };
      const signal = gpc() ? { gpc: true as const } : {};
      const list: DecisionRecord[] = [];
      for (const [id, granted] of Object.entries(choices as Record<string, unknown>)) {
        check(id);
        if (typeof granted != 'boolean') throw new ConsentConfigError([{ path: `decide.${id}`, message: `must be true or false, not ${typeof granted}` }]);
        // A no to a sale keeps a standing opt-out by the signal: later Reject alls and withdrawals do not end it.
        const optOut = !granted && purposes.get(id)!.sale && (method == 'signal' || last(id)?.optOut === true) ? { optOut: true as const } : {};
        if (!purposes.get(id)!.necessary) list.push({ v: SCHEMA, purpose: id, granted, at, expires: at + lifetime, policy, hash: '', locale: shown, method, ...acted, ...signal, ...optOut });
      }
      // Withdrawing everything where the config has only necessary purposes left still forgets the others' yeses.
      if (!list.length && !everything) return;
      if (decisions.stopped()) throw destroyed();
      const noes = list.filter((r) => !r.granted);
      const denied = noes.map((r) => r.purpose);
      // Granted until now (or until it expired while this page was open): the back end's last word is that yes.
      const withdrawing = ending(denied);
      // Stored and told only while still in force: a newer decision (here, or heard from another tab) or a reset since
      // must not be overwritten by it, nor reach a tab opened meanwhile as the latest word. Its receipt is kept all
      // the same: the person did decide so.
      const inForce = (r: DecisionRecord) => records.get(r.purpose) === r;
      const tell = (told: DecisionRecord[]) => {
        told = told.filter(inForce);
        if (told.length) sync.post({ records: told });
      };
      // Other tabs hear of a no at once, not behind the storage of earlier decisions, so they stop collecting with this
      // one; of a yes once it is stored with its receipt, so what they collect under it can be proven even if this tab
      // closes now. Out of order is fine: they keep the newer of two decisions.
      if (noes.length) {
        tellNo(async () => {
          for (const record of noes) Object.assign(record, { hash: await hashOf(record.purpose, shown) });
          tell(noes);
        }).catch(report);
      }
      // Takes effect at once, over anything stored: the person's latest act decides. The proof follows, queued first:
      // a decision set off by this one (a listener, a held call) is stored, sent and receipted after it.
      const proof = persist.inOrder(async () => {
        const textHash = text === undefined ? {} : { textHash: await sha256(text) };
        for (const record of list) Object.assign(record, { hash: await hashOf(record.purpose, shown) }, textHash);
        const [swept, gone = []] = everything ? await others(at) : [];
        const withdrawn = [...(await withdrawing()), ...gone];
        const map = <T>(value: (r: DecisionRecord) => T) => Object.fromEntries(list.map((r) => [r.purpose, value(r)]));
        events.emit('decision', { records: list, method });
        // The decision holds whatever happens to its proof, so decide() never rejects for storage: it reports instead.
        const receipt = await persist.save(list.filter(inForce), { at, expires: at + lifetime, policy, method, locale: shown, choices: map((r) => r.granted), hashes: map((r) => r.hash), ...textHash, ...acted, ...signal }, inForce, swept, withdrawn);
        tell(list.filter((r) => r.granted));
        if (receipt) events.emit('receipt', receipt);
      });
      apply(list);
      return proof;
    },

    revised: decisions.revised,
    // "Accept all" given before the stored decisions are read waits for them: their opt-outs count. What was decided
    // or reset after the click meanwhile stays, as the person's later act. Everything else takes effect at once.
    async decideAll(granted, options) {
      let [clicked, act] = [Infinity, Infinity];
      if (granted && !loaded) {
        [clicked, act] = [tick(), decisions.acts()];
        await consent.ready;
      }
      if (resetTime() > clicked) return;
      return all(granted ? optional.filter((id) => consent.inAcceptAll(id) && !decisions.actedSince(id, act)) : optional, granted, options);
    },
    // "Accept all" never covers a sensitive purpose, nor a sale under a Global Privacy Control signal: the opt-out
    // stands, on later visits without the signal too, until the person opts in to that purpose by itself.
    inAcceptAll: (id) => {
      const purpose = purposes.get(id);
      const optedOut = () => gpc() || last(id)?.optOut === true;
      return !!purpose && !purpose.necessary && !purpose.sensitive && !(purpose.sale && optedOut());
    },
    async withdraw(id, options) {
      // Everything includes a yes stored for a purpose the config no longer has, as for reset().
      sweep = id === undefined;
      await all(id === undefined ? optional : [id], false, options);
    },

    reset() {
      if (decisions.stopped()) return Promise.reject(destroyed());
      const at = tick();
      const withdrawing = ending(optional);
      forget(at);
      return persist.inOrder(async () => {
        sync.post({ reset: true, at });
        const [stored, gone] = await others(at, true);
        const withdrawn = [...(await withdrawing()), ...gone];
        const keys = [...optional, ...stored];
        // A reset that ends a yes is proven like a withdrawal, and delivered: the back end may still process under it.
        // One that ends none changes no consent (undecided and denied both keep everything off): nothing to prove.
        if (!withdrawn.length) return persist.clear(keys, at, true);
        const receipt = await persist.save([], { at, policy, method: 'reset', locale, choices: {}, hashes: {} }, undefined, keys, withdrawn);
        if (receipt) events.emit('receipt', receipt);
      });
    },

    on(event, listener, { replay = false } = {}) {
      // Page code without types: a misspelt event would never fire, a listener that is no function fail at each one.
      const names = ['change', 'decision', 'receipt', 'error'];
      const known = names.includes(event);
      if (!known || typeof listener != 'function') {
        throw new ConsentConfigError([{ path: 'on', message: known ? 'the listener must be a function' : `"${String(event)}" is no event; ${didYouMean(String(event), names, 'use ' + names.join())}` }]);
      }
      const off = events.on(event, listener);
      if (replay && event == 'change') events.call('change', listener as (p: ConsentEvents<Id>['change']) => void, { states: states(), changed: [] });
      return off;
    },
    receipts: persist.receipts,
    verifyReceipts: persist.verifyReceipts,
    disclosureHash: (id, shown = locale) => (check(id), hashOf(id, shown)),
    show: () => ui?.show(),
    showPreferences: () => ui?.showPreferences(),
    destroy() {
      decisions.stop(destroyed());
      // Closed once what was decided or reset before is stored and told: posting on a closed channel throws, which
      // lost a reset (its yes came back on reload) and kept a no from the other tabs.
      void tellNo(() => persist.inOrder(sync.close));
      globalThis.removeEventListener?.('pageshow', back);
      ui = undefined;
    },
    attach(next) {
      ui = next;
      // The require() calls that waited without dialogs are asked now; after `ready`, as the dialogs first learn it, so
      // a call the banner covers waits for the banner.
      void consent.ready.then(() => waiting.forEach((list) => list.forEach((w) => w.ask?.())));
      return () => void (ui == next && (ui = undefined));
    },
  };
  return consent;
}

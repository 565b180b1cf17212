// The decisions in force on this page: the state of each purpose, the clock that dates decisions, and what a
// decision taking effect sets off (held calls run or dropped, waiting require() calls settled, `change`).
import { clearStorage } from './cleanup.js';
import type { ConsentError } from './errors.js';
import type { Emitter } from './events.js';
import { settle, type Queues } from './gate.js';
import { fromTheFuture, later } from './records.js';
import type { ConsentEvents, DecisionRecord, Purpose, PurposeState } from './types.js';

const DAY = 864e5;

/** The decisions of one consent instance; `optional` are the ids of its non-necessary purposes. */
export function createDecisions<Id extends string>(purposes: Map<string, Purpose>, optional: readonly string[], events: Emitter<ConsentEvents<Id>>, report: (error: ConsentError) => void) {
  const records = new Map<string, DecisionRecord>();
  // Stored records that no longer count (another policy version or disclosure, expired): the dialogs say what
  // changed (`revised`), and a standing opt-out of a sale survives them. Past once a decision about the purpose
  // takes effect, or a reset forgets them.
  const earlier = new Map<string, DecisionRecord>();
  const revised = new Set<string>();
  // Acts counted as they take effect, decided here or heard from another tab (not read from storage), so that an
  // "Accept all" that waited for storage knows what the person did after it.
  let acts = 0;
  const actedAt = new Map<string, number>();
  const held: Queues = new Map();
  const waiting: Queues = new Map();
  const ids = [...purposes.keys()];
  // The time of the last reset here or in another tab: a decision made before it, still being read at start-up or
  // arriving late from another tab, was forgotten meanwhile.
  let resetAt = -Infinity;
  // A reset dated over a day ahead came from a clock that was fast and has been set right since: like a decision
  // dated so (see tick), it counts as older than anything decided now.
  const lastReset = () => (resetAt > Date.now() + DAY ? -Infinity : resetAt);
  // Decisions and resets are dated by a clock that never runs back and stays ahead of every decision this tab has
  // seen (read, heard or made), so "the newer one wins" holds across tabs even after the system clock was set back.
  // A time over a day ahead of the clock is not followed: it would date every later decision in the future.
  let latest = -Infinity;
  // Ended by destroy(): nothing takes effect here any more, and only the necessary purposes are granted.
  let stopped = false;
  const see = (at: number) => void (at > latest && at < Date.now() + DAY && (latest = at));

  const state = (id: string): PurposeState => {
    const record = records.get(id);
    if (purposes.get(id)?.necessary) return 'granted';
    if (stopped) return 'undecided';
    return !record || record.expires <= Date.now() ? 'undecided' : record.granted ? 'granted' : 'denied';
  };
  const states = () => Object.fromEntries(ids.map((id) => [id, state(id)])) as { [K in Id]: PurposeState };
  // What `change` last said of each purpose. Changes are announced against it, so a state set and set again within
  // one decision (a held call deciding while Accept all takes effect) is announced once, as it ends.
  const announced = new Map<string, PurposeState>();
  /** Announces those of `list` whose state is not the one last announced; a new no clears the purpose's storage. */
  const changed = (list: readonly string[]) => {
    const now = [...new Set(list)].filter((id) => state(id) != (announced.get(id) ?? 'undecided')) as Id[];
    for (const id of now) {
      announced.set(id, state(id));
      if (state(id) == 'denied') clearStorage(purposes.get(id)!.storage);
    }
    if (now.length) events.emit('change', { states: states(), changed: now });
  };

  // A decision that expires while the page stays open is announced then (`change`), so the dialogs ask again
  // without a reload (GATE-05). One timer, at the next expiry, looking again at least every 10 minutes: a timer counts
  // on the monotonic clock, which a wall clock set forward or a computer asleep leaves behind (and browsers fire a
  // delay over 2^31-1 ms at once). Unref'd: in Node it must not keep the process alive.
  let expiry: ReturnType<typeof setTimeout> | undefined;
  const watchExpiry = () => {
    clearTimeout(expiry);
    const next = Math.min(...[...records.values()].map((r) => r.expires).filter((at) => at > Date.now()));
    if (next == Infinity) return;
    expiry = setTimeout(() => {
      changed([...records.keys()]);
      watchExpiry();
    }, Math.min(next - Date.now(), 6e5));
    (expiry as { unref?: () => void }).unref?.();
  };

  return {
    records,
    held,
    waiting,
    state,
    states,
    see,
    /** The time of the last reset, here or in another tab. */
    since: lastReset,
    /** The time for a decision or reset made now. */
    // Over a day ahead, `latest` came from a clock that was fast and has been set right since: dating on from it
    // would store decisions that a reload discards as from the future. Such records count as older (see newer).
    tick: () => (latest = latest + 1 < Date.now() + DAY ? Math.max(Date.now(), latest + 1) : Date.now()),

    /**
     * Makes records take effect here: state, held calls, waiting require() calls, `change`. `act`: made by the
     * person now (here or in another tab), not read from storage.
     */
    apply: (taking: readonly DecisionRecord[], act = true) => {
      if (stopped) return;
      // Every record takes effect before anything waiting runs: a held call that decides or resets is then newer.
      // What ran out before its timer fired (sleep, a clock jump) is announced first: changes are told against it.
      changed([...records.keys()].filter((id) => records.get(id)!.expires <= Date.now()));
      for (const record of taking) {
        see(record.at);
        records.set(record.purpose, record);
        earlier.delete(record.purpose);
        revised.delete(record.purpose);
        if (act) actedAt.set(record.purpose, ++acts);
      }
      for (const record of taking) {
        // Decided or reset meanwhile, by a call settled here: that newer act settled what waits.
        if (records.get(record.purpose) !== record) continue;
        // Every answer settles what waits for it, also one that repeats the state (a second no after ask: true).
        settle(held, record.purpose, record.granted, report);
        settle(waiting, record.purpose, record.granted, report);
      }
      changed(taking.map((record) => record.purpose));
      watchExpiry();
    },

    /** Forgets the decisions made up to `until` (a reset there or here); one made since, here or in another tab, stays. */
    forget: (until: number) => {
      if (stopped) return;
      earlier.clear();
      revised.clear();
      see(until);
      resetAt = Math.max(lastReset(), until);
      const gone = optional.filter((id) => {
        const record = records.get(id);
        return record && (record.at <= until || fromTheFuture(record));
      }) as Id[];
      gone.forEach((id) => records.delete(id));
      changed(gone);
      watchExpiry();
    },

    /** Ends this instance for good: held calls are dropped, waiting require() calls rejected with `error`. */
    stop: (error: Error) => {
      stopped = true;
      clearTimeout(expiry);
      held.clear();
      for (const list of waiting.values()) list.forEach((w) => w.no?.(error));
    },
    stopped: () => stopped,

    /** Keeps a stored record that no longer counts; `changed`: its policy version or disclosure did. */
    keepEarlier: (record: DecisionRecord, changed: boolean) => {
      earlier.set(record.purpose, record);
      if (changed) revised.add(record.purpose);
    },
    /** The latest decision known for a purpose, in force or not. */
    last: (id: string) => records.get(id) ?? earlier.get(id),
    /** Asked again because its policy version or disclosure changed since the stored decision. */
    revised: (id: string) => revised.has(id) && state(id) == 'undecided',
    /** How many acts took effect so far; with `actedSince`, what the person did after a moment. */
    acts: () => acts,
    actedSince: (id: string, mark: number) => (actedAt.get(id) ?? 0) > mark,

    /** A stored record still counts: nothing was reset since, and nothing was decided here meanwhile (that is newer). */
    fresh: (r?: DecisionRecord): r is DecisionRecord => !!r && r.at > lastReset() && !records.has(r.purpose),

    // A record from another tab older than what this tab holds changes nothing.
    /** A record heard from another tab is newer than what this tab holds. */
    newer: (r?: DecisionRecord): r is DecisionRecord => {
      const held = r && records.get(r.purpose);
      return !!r && r.at > lastReset() && (!held || fromTheFuture(held) || later(r, held));
    },
  };
}

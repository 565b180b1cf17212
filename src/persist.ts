// Keeps decisions and their receipts in IndexedDB in the order they were made, and in memory for the page view when
// IndexedDB fails; also the first-visit flag. Nothing here rejects into the page: faults become `error` events.
import { ConsentStorageError, type ConsentError } from './errors.js';
import { appendReceipt, readReceipts, verifyReceipts } from './receipts.js';
import { createQueue } from './queue.js';
import { fromTheFuture, later, readRecord } from './records.js';
import { idbStore, memoryStore, type Key, type Store } from './store.js';
import type { DecisionRecord } from './types.js';

// How long a read or write waits for IndexedDB before giving up on it: a blocked open never answers.
const TIMEOUT = 5000;

/** Up to when a no that only memory kept ended the stored yes to each purpose ('*': to every purpose). */
type Ends = Record<string, number>;

/** Storage for database `name`; `report` receives every storage fault; `onGone` runs when the database is deleted. */
export function createPersistence(name: string, report: (error: ConsentError) => void, onGone?: () => void) {
  const idb = idbStore(name, onGone);
  // Memory-only exactly when the store is no longer IndexedDB: one fact, so it is kept in one place.
  let store = idb;
  // A flag beside the stored decisions that can be read synchronously: without it this browser never stored a
  // decision here, so the dialogs may show the banner at once instead of waiting for IndexedDB to be created.
  // Its value is the time of the latest no (or reset) that only memory could keep, when there was one: IndexedDB may
  // still hold the yes it ended, and a later visit must not read that back (`1` otherwise, a time long past).
  const hint = 'optin:' + name;
  // Which purposes those noes were about, beside it: {purpose: time of its no, '*': time of a reset or withdrawal of
  // everything}. A no to one purpose ends no yes to another. The flag stays the latest of these times, so an older
  // Optin, which reads only the flag, still ends every yes up to it.
  const noes = hint + ':noes';
  // '' while localStorage cannot be read: then nothing is written to it either.
  const read = (key = hint) => {
    try {
      return localStorage.getItem(key);
    } catch {
      // No localStorage (Node, a sandboxed frame): a returning visitor is possible, so the dialogs wait for `ready`.
      return '';
    }
  };
  const write = (key: string, value: string) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Without the flag the next visit only waits for IndexedDB before showing the banner.
    }
  };
  let flag = read();
  const firstVisit = flag == null;
  const mark = (value: string) => write(hint, (flag = value));
  /** Writes `by`, and returns it. */
  const note = (by: Ends) => {
    // The list first: a page loaded between the two writes then finds a flag no later than it, which it can trust.
    write(noes, JSON.stringify(by));
    mark(String(Math.max(...Object.values(by))));
    return by;
  };
  /** The noes in a written list; throws when it is damaged. */
  const parse = (raw: string | null) => (raw ? JSON.parse(raw[0] == '{' ? raw : '') : {}) as Ends;
  /** Up to when a stored yes to each purpose ('*': to every purpose) is ended, as the flags say now. */
  const ends = (): Ends => {
    const all = Number(read());
    try {
      const by = parse(read(noes));
      const latest = Math.max(0, ...Object.values(by));
      // A flag alone (an older Optin's, or one written since by it) ends every yes up to its time.
      if (Math.max(all, latest) < 1 / 0) return latest < all ? { '*': all } : by;
    } catch {
      // Damaged, as below.
    }
    // A damaged flag ends every yes up to now, never none; kept so, a yes given from now on counts on the next visit.
    return note({ '*': Date.now() });
  };
  const stale = ends();
  // Both flags as this page read them: changed since, another tab has kept a no in memory meanwhile.
  const flags = () => read() + ' ' + read(noes);
  const then = flags();
  // Read again first: another tab may have kept the time of a no there since this page was loaded, never to be lost.
  const remember = () => void (store == idb && flag == null && (flag = read()) == null && mark('1'));
  /** Merges `lists` of noes into what the flags say now, and writes them if that lacked any. */
  const keep = (...lists: object[]) => {
    const by = ends();
    let lacked = false;
    // Not `?? 0`: a purpose named like a property of every object ('constructor') must not find that property.
    for (const [id, at] of lists.flatMap((list) => Object.entries(list))) {
      if (typeof at == 'number' && !(by[id]! >= at)) {
        by[id] = at;
        lacked = true;
      }
    }
    if (lacked) note(by);
  };
  // The noes this tab kept in memory. Each tab reads and writes localStorage through its own copy, which the browser
  // brings up to date a moment later: a no that another tab keeps at the same instant is written over this one's, or
  // this one over it. Both tabs then hear of the other's write (`storage`) and put back what it lacks, the other tab's
  // no too (that tab may have closed); so they do after a script cleared localStorage (no key).
  const mine: Ends = {};
  const heard = (event: StorageEvent) => {
    if (event.key && event.key != noes) return;
    try {
      keep(mine, parse(event.newValue));
    } catch {
      // Damaged: what they wrote is read as damaged too (see ends), and ends every yes. Ours are put back.
      keep(mine);
    }
  };
  /**
   * Noes to `ids` ('*': every purpose) made at `at` are kept in memory only. Merged into what the flags say now, not
   * at start-up: another tab may have added its own since.
   */
  const keptInMemory = (ids: readonly string[], at: number) => {
    // Only noes: a yes kept in memory leaves this a first visit, as nothing is stored.
    if (store == idb || !ids.length) return;
    // Once: the same listener is not added twice. Never removed, not by destroy() either: what was decided before it
    // stays stored (README), and an instance that replaces this one did not keep these noes, so cannot put them back.
    globalThis.addEventListener?.('storage', heard);
    for (const id of ids) if (!(mine[id]! >= at)) mine[id] = at;
    keep(mine);
  };

  // Storage failed: from now on decisions live in memory only, and the page learns why through `error`.
  const toMemory = (cause: unknown) => {
    if (store != idb) return;
    report(new ConsentStorageError('IndexedDB failed, so decisions are kept for this page view only. Check that IndexedDB is available and has space.', cause));
    store = memoryStore();
  };
  /** `work`, or a rejection once IndexedDB has kept silent for TIMEOUT. */
  const timed = <T>(work: Promise<T>) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silence = new Promise<never>((_, reject) => (timer = setTimeout(reject, TIMEOUT, new Error('IndexedDB did not answer (blocked by another tab?)'))));
    return Promise.race([work, silence]).finally(() => clearTimeout(timer));
  };
  const key = (id: string): Key => ['d', id];
  /** A stored decision (another tab's) is a later word than `mine`. */
  const outdated = (stored: unknown, mine: unknown) => {
    // Only a readable record of this purpose: an unreadable one counts as no decision, so it never keeps one out.
    const m = mine as DecisionRecord;
    const s = readRecord(stored, [m.purpose]);
    return !!s && !fromTheFuture(s) && later(s, m);
  };
  // Deletes what is stored about `ids` up to `at`: a decision another tab stored after that, while this removal
  // waited its turn behind a slow save, is its person's later word and stays (checked in the removal's own
  // transaction). As of a record from the future (a fast clock's, removed at start-up), only that record: what was
  // decided since is dated before it.
  const removals = (ids: readonly string[], at: number) =>
    ids.map(
      (id) =>
        [
          key(id),
          undefined,
          (stored: unknown) => {
            const s = readRecord(stored, [id]);
            return !s || fromTheFuture(s) || s.at == at || (s.at < at && !fromTheFuture({ at }));
          },
        ] as const,
    );
  const remove = (store: Store, ids: readonly string[], at: number) => store.write(removals(ids, at));
  // Kept in memory only: what IndexedDB still holds about these purposes (a yes withdrawn or reset since) must not
  // come back after a reload, so it is removed there as far as IndexedDB still allows. A reload then starts undecided.
  const dropStale = (ids: readonly string[], at: number) => void (store != idb && remove(idb, ids, at).catch(() => undefined));
  // Storage, receipts and other tabs learn of decisions in the order they were made, each after the one before:
  // "Accept all" then a withdrawal must be stored in that order, or a reload would bring the yes back.
  const inOrder = createQueue();

  return {
    firstVisit,
    remember,
    /** The latest no that only memory kept (0: none): decisions made here are dated after it. */
    noSince: Math.max(0, ...Object.values(stale)),
    /** A stored yes that a no only memory kept ended: one made up to that no, to its purpose or to every purpose. */
    ended: (r: DecisionRecord) => r.granted && (r.at <= stale['*']! || r.at <= stale[r.purpose]!),
    /**
     * The yeses that noes dated over a day ahead (`noSince`) ended are removed from IndexedDB, so those noes are no
     * longer needed: they are dropped, unless another tab has kept a no in memory since. A yes given after them but
     * dated before them (the clock was fast) then counts.
     */
    removedEnded: () => {
      if (store != idb || flags() != then) return;
      const by = { ...stale };
      for (const id in by) if (fromTheFuture({ at: by[id]! })) delete by[id];
      // None left: the flag says so again ('1', a time long past), as it did before any such no.
      note({ '*': 1, ...by });
    },
    get memoryOnly() {
      return store != idb;
    },
    /** Runs `work` after every piece of work queued before it. */
    inOrder,
    /** The stored values for the decisions of `ids`; undefined when storage failed (memory from now on). */
    read: (ids: readonly string[]) => timed(store.read(ids.map(key))).catch((cause: unknown) => void toMemory(cause)),

    /**
     * Stores `records`, deletes the stored decisions of `forget` made up to then (given, even empty, for a reset or a
     * withdrawal of everything) and appends `receipt`, listing as withdrawn the yeses it `ended` (see appendReceipt),
     * in one transaction: a tab closed meanwhile leaves all or nothing, never a decision or the end of a yes without its
     * proof. A storage fault loses no decision: they are then kept in memory
     * for the page view, and the fault is reported. A record no longer `current` when its turn to be written comes (a
     * reset or a newer decision since, while it waited for another tab) is not written. Never rejects; resolves with
     * the receipt kept, if any.
     */
    async save(
      records: readonly DecisionRecord[],
      receipt: Parameters<typeof appendReceipt>[1],
      current: (r: DecisionRecord) => boolean = () => true,
      forget?: readonly string[],
      ended: readonly (readonly [string, number])[] = [],
    ) {
      const ids = [...records.map((r) => r.purpose), ...(forget ?? [])];
      const stays = (stored: unknown, mine: unknown) => !!mine && (!current(mine as DecisionRecord) || outdated(stored, mine));
      // A no stored over a yes ends it: also one another tab stored a moment ago, which this tab has not heard of yet,
      // even where this tab held an older yes to the purpose (that tab may have withdrawn it since, and said yes again).
      const found = (stored: readonly unknown[]) =>
        records.flatMap((r, i) => {
          const s = readRecord(stored[i], [r.purpose]);
          const over = s?.granted && !r.granted && !fromTheFuture(s) && !stays(stored[i], r) && !ended.some(([id, at]) => id == r.purpose && at >= s.at);
          return over ? [[r.purpose, s.at, true] as const] : [];
        });
      const write = async () => {
        const along = [...records.map((r) => [key(r.purpose), r] as const), ...removals(forget ?? [], receipt.at)];
        const appending = appendReceipt(store, receipt, along, stays, (stored) => [...ended, ...found(stored)]);
        // Given up after TIMEOUT, a write may still land later: in memory-only mode, what it stored is removed again.
        void appending.then(() => dropStale(ids, receipt.at), () => undefined);
        const kept = await timed(appending);
        remember();
        return kept;
      };
      const kept = await write()
        .catch((cause: unknown) => (toMemory(cause), write()))
        .catch((cause: unknown) => report(new ConsentStorageError('The decision holds for this page view, but its receipt could not be kept.', cause)));
      // A reset or a withdrawal of everything ends every yes up to it, also one to a purpose the config no longer has.
      keptInMemory(forget ? ['*'] : records.filter((r) => !r.granted).map((r) => r.purpose), receipt.at);
      return kept;
    },
    /** Deletes the stored decisions of `ids` made up to `until`; `reset`: as a reset (see keptInMemory). Never rejects. */
    clear: (ids: readonly string[], until: number, reset?: boolean) =>
      timed(remove(store, ids, until))
        .catch(toMemory)
        .then(() => void (dropStale(ids, until), reset && keptInMemory(['*'], until))),
    /** Every stored decision, unchecked (none when storage failed): what a reset or a withdrawal of everything forgets. */
    list: () => timed(store.list('d')).catch(toMemory) as Promise<unknown[] | undefined>,
    // Given up after TIMEOUT too: a delivery waiting for a blocked read would hold back, for as long as the block
    // lasts, the receipts kept in memory meanwhile, which are lost with the tab. A check of them would never answer.
    receipts: (from?: number) => timed(readReceipts(store, from)),
    verifyReceipts: () => timed(verifyReceipts(store)),
  };
}

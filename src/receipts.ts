// The proof log: every decision appends a receipt holding the SHA-256 of the receipt before it, so an edit,
// a removal or a reordering shows up in verifyReceipts(). Appends are serialized, across tabs too.
import { sha256 } from './hash.js';
import type { Store } from './store.js';
import type { Receipt, ReceiptCheck } from './types.js';

type Head = { seq: number; hash: string };
/** This SDK's version (package.json's, checked by a test): each receipt names the code that showed the dialogs. */
export const SDK_VERSION = '0.1.0';
// One queue per database (two instances of one page may share one) or per memory store: an append that never
// finishes on IndexedDB must not hold up the memory fallback's.
const queues = new Map<string | Store, Promise<unknown>>();

/**
 * Appends a receipt for `entry` after the current head of the chain, writing `along` (the decisions it proves, the
 * deletions it records) in the same transaction, but none that is `outdated` by what is stored under its key;
 * resolves with the receipt. `ended`: the yeses it ends, [purpose, time of the yes, found only in what is stored
 * under the keys of `along`], listed as `withdrawn`; one that a receipt in the log already listed since is not
 * listed again, and with nothing decided and nothing left to list, only `along` is written.
 */
export function appendReceipt(
  store: Store,
  entry: Omit<Receipt, 'seq' | 'prev' | 'sdk' | 'withdrawn'>,
  along: Parameters<Store['write']>[0] = [],
  outdated: (stored: unknown, value: unknown) => boolean = () => false,
  ended: (stored: readonly unknown[]) => readonly (readonly [string, number, true?])[] = () => [],
): Promise<Receipt | undefined> {
  // `after`: the number and hash of the receipt that took the number tried last, which the chain goes on from.
  const append = async (after?: Head): Promise<Receipt | undefined> => {
    const deleted = store.deleted;
    const [head, ...stored] = (await store.read(['h', ...along.map(([key]) => key)])) as [Head | undefined, ...unknown[]];
    // A head that is not a receipt number and a hash (corrupt, edited) is not followed: the chain is found from 0 on,
    // as for a lost head. A negative, fractional or endless number would break the chain or never reach a free one.
    const last = after ?? (Number.isSafeInteger(head?.seq) && head!.seq >= 0 && typeof head!.hash == 'string' ? head : undefined);
    const seq = last ? last.seq + 1 : 0;
    // Each ended yes is listed once: two tabs resetting at the same instant both end it, and a no overtaken before it
    // was stored (by a newer decision here) listed the yes that the newer one then finds stored. The log, read here
    // behind the same lock as the append, holds the receipt that listed it first. Only for a receipt that proves
    // nothing else (a reset) or a yes found stored: a long log is not read for each withdrawal. Unchecked, so a
    // damaged receipt cannot throw.
    const ends = ended(stored);
    const proving = !Object.keys(entry.choices).length;
    const log = ends.some(([, , found]) => proving || found) ? await since(store, seq, Math.min(...ends.map(([, at]) => at))) : [];
    // Once each: the yes a tab holds is also found stored, or beside the newer one another tab stored over it since.
    const withdrawn = [...new Set(ends.filter(([id, at]) => !log.some((r) => r?.at >= at && [r.withdrawn].flat().includes(id))).map(([id]) => id))];
    const receipt: Receipt = { ...entry, ...(withdrawn.length && { withdrawn }), sdk: SDK_VERSION, seq, prev: last?.hash ?? '' };
    const hash = await sha256(JSON.stringify(receipt));
    // The database was deleted since its head was read: the new one's log begins at 0, or it would never verify.
    if (store.deleted !== deleted) return append();
    // Another tab may have stored a newer decision meanwhile (without Web Locks, appends race): it stays.
    const writes = along.filter(([, value], i) => !outdated(stored[i], value));
    // Nothing decided, and every yes it ends (if any) proven so: as a reset that ends none, it has nothing to prove.
    // Its deletions still count.
    if (proving && !withdrawn.length) return void (await store.write(writes));
    try {
      // Added, never put: a receipt is not overwritten, not even by a tab that read the same head.
      await store.write([...writes, [['r', receipt.seq], receipt, true], ['h', { seq: receipt.seq, hash }]]);
    } catch (error) {
      // The number is taken: by another tab (no Web Locks: an http page, an older browser), or the head is missing
      // or behind. Follow the receipt found there, one number on each time, so a lost head costs no decision.
      // Asked of the store, since browsers differ in the error an aborted transaction reports. Anything stored there
      // takes the number, a corrupt null too: only a missing one (undefined) means the write failed for another reason.
      const [taken] = await store.read([['r', receipt.seq]]);
      if (taken !== undefined) return append({ seq: receipt.seq, hash: await sha256(JSON.stringify(taken)) });
      throw error;
    }
    return receipt;
  };
  // Web Locks keep two tabs from writing the same sequence number; the promise queue does it within a page.
  const locked = () => (store.lock && globalThis.navigator?.locks?.request(store.lock, () => append())) || append();
  const key = store.lock ?? store;
  const next = (queues.get(key) ?? Promise.resolve()).then(locked, locked);
  const tail = next.catch(() => undefined);
  queues.set(key, tail);
  // An idle queue is let go, so a memory store (and its receipts) is not kept alive by it.
  void tail.then(() => queues.get(key) == tail && queues.delete(key));
  return next;
}

/**
 * The receipts from number `next - 16` on when the first of them is dated before `at`, else all: those that can have
 * ended a yes made at `at` (most often a few, so a long log is not read for each reset).
 */
async function since(store: Store, next: number, at: number) {
  const tail = await readReceipts(store, next - 16);
  return tail[0] && tail[0].at < at ? tail : readReceipts(store);
}

/** Every receipt, oldest first; from number `from` on, when given. */
export function readReceipts(store: Store, from?: number): Promise<Receipt[]> {
  return store.list('r', from) as Promise<Receipt[]>;
}

/**
 * Walks the chain and names the first receipt that was changed, removed or reordered. `again`: look once more
 * when the log and its head disagree (see below).
 */
export async function verifyReceipts(store: Store, again = true): Promise<ReceiptCheck> {
  const [list, [head]] = await Promise.all([readReceipts(store), store.read(['h']) as Promise<[Head | undefined]>]);
  let prev = '';
  for (const [index, receipt] of list.entries()) {
    if (receipt?.seq !== index) return { ok: false, index, reason: `receipt ${index} is missing or out of order` };
    const hash = await sha256(JSON.stringify(receipt));
    // A broken link: if this receipt still matches the link after it (the next receipt's, or the head's), the one
    // before it was changed; else this one was (its link, or its place in a swap), so an intact receipt is not named.
    if (receipt.prev !== prev) {
      const at = index && (list[index + 1]?.prev ?? head?.hash) == hash ? index - 1 : index;
      return { ok: false, index: at, reason: `receipt ${at} was changed` };
    }
    prev = hash;
  }
  // The head remembers the last receipt, so a removed or edited last entry shows too. The log and the head are two
  // reads: another tab may append between them, so a disagreement is looked at once more before it is reported.
  const last = list.length - 1;
  if (list.length ? head?.seq === last && head.hash === prev : !head) return { ok: true, count: list.length };
  if (again) return verifyReceipts(store, false);
  return list.length ? { ok: false, index: last, reason: 'the last receipt was changed or receipts were removed after it' } : { ok: false, index: 0, reason: 'receipts were removed' };
}

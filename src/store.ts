// Where decisions and receipts live: a database of our own through idb-keyval, or a Map for this page view when
// IndexedDB is missing or failing. Each call is one transaction, and none throws synchronously.
import { createStore, promisifyRequest } from 'idb-keyval';

/** Keys: `['d', purposeId]` for decisions, `['r', seq]` for receipts, `'h'` for the receipt chain's head. */
export type Key = string | [string, string | number];

/** The three operations Optin needs, each one transaction. */
export interface Store {
  /** The Web Lock that other tabs writing to this store take too (IndexedDB only; a Map is this page's own). */
  readonly lock?: string;
  /** How often the database was deleted under the page (IndexedDB only): what was read before that is gone. */
  readonly deleted?: number;
  /** Values for `keys`, in order (undefined where missing). */
  read(keys: readonly Key[]): Promise<unknown[]>;
  /**
   * Puts every entry at once; an `undefined` value deletes its key. An entry marked `true` is new: in IndexedDB,
   * when another tab wrote its key first, the whole write fails and changes nothing (a Map is this page's own).
   * A deletion given a test deletes only if what is stored then passes it, in the same transaction.
   */
  write(entries: readonly (readonly [key: Key, value: unknown, only?: true | ((stored: unknown) => boolean)])[]): Promise<void>;
  /** Every value whose key is `[prefix, …]`, in key order; from `[prefix, from]` on, when given. */
  list(prefix: string, from?: number): Promise<unknown[]>;
}

/**
 * Our own database (never idb-keyval's shared default one). Nothing opens until the first call. `onGone` runs when
 * another script deletes the database (a site's "delete my data", the browser's developer tools), or
 * the browser clears the site's data.
 */
export function idbStore(name: string, onGone?: () => void): Store {
  let use: ReturnType<typeof createStore> | undefined;
  let deleted = 0;
  // Promise.resolve().then turns a synchronous throw (no indexedDB, SecurityError) into a rejection.
  const run = <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => T | PromiseLike<T>) =>
    Promise.resolve().then(() =>
      (use ??= createStore(name, 'keyval'))(mode, (s) => {
        // A deletion waits until every open connection lets go: ours does, so it never hangs, and the next call
        // opens the database afresh. The browser's "Clear site data" (and a Clear-Site-Data header) closes the
        // connection instead, firing `close`, not `versionchange`: the decisions are gone just the same. An upgrade
        // (another Optin version opening it with a higher version) keeps them: it is let through the same way.
        const db = s.transaction.db;
        db.onversionchange ??= db.onclose = (event: Event) => {
          db.close();
          use = undefined;
          if ((event as IDBVersionChangeEvent).newVersion) return;
          deleted++;
          onGone?.();
        };
        return fn(s);
      }),
    );
  return {
    lock: 'optin:' + name,
    get deleted() {
      return deleted;
    },
    read: (keys) => run('readonly', (s) => Promise.all(keys.map((k) => promisifyRequest(s.get(k))))),
    write: (entries) =>
      run('readwrite', (s) => {
        for (const [k, v, only] of entries) {
          if (typeof only == 'function') {
            const stored = s.get(k);
            stored.onsuccess = () => only(stored.result) && s.delete(k);
          } else if (v === undefined) s.delete(k);
          else if (only) s.add(v, k);
          else s.put(v, k);
        }
        return promisifyRequest(s.transaction);
      }),
    // A `from` that is no key (NaN) lists all: 0 comes before every receipt number and every purpose id.
    list: (prefix, from) => run('readonly', (s) => promisifyRequest(s.getAll(IDBKeyRange.bound([prefix, from || 0], [prefix, []])))),
  };
}

/** The fallback: the same operations on a Map, gone with the page. */
export function memoryStore(): Store {
  const map = new Map<string, [Key, unknown]>();
  const id = (k: Key) => JSON.stringify(k);
  return {
    read: (keys) => Promise.resolve(keys.map((k) => map.get(id(k))?.[1])),
    write(entries) {
      for (const [k, v, only] of entries) {
        if (typeof only == 'function' && !only(map.get(id(k))?.[1])) continue;
        if (v === undefined) map.delete(id(k));
        else map.set(id(k), [k, v]);
      }
      return Promise.resolve();
    },
    list: (prefix, from) =>
      Promise.resolve(
        [...map.values()]
          .filter(([k]) => k[0] == prefix && Array.isArray(k) && !(+k[1] < from!))
          .sort(([a], [b]) => +a[1] - +b[1])
          .map(([, v]) => v),
      ),
  };
}

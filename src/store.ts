// Where decisions and receipts live: a named IndexedDB database through idb-keyval, or a Map for this page view
// when IndexedDB is missing or failing. Each call is one transaction; none can hang or throw synchronously.
import { createStore, promisifyRequest } from 'idb-keyval';

/** Keys: `['d', purposeId]` for decisions, `['r', seq]` for receipts, `'h'` for the receipt chain's head. */
export type Key = string | [string, string | number];

/** The few operations Optin needs, each in one transaction. */
export interface Store {
  /** Values for `keys`, in order (undefined where missing). */
  read(keys: readonly Key[]): Promise<unknown[]>;
  /** Puts `entries` and deletes `remove`, atomically. */
  write(entries: readonly (readonly [Key, unknown])[], remove?: readonly Key[]): Promise<void>;
  /** Every value whose key is `[prefix, …]`, in key order. */
  list(prefix: string): Promise<unknown[]>;
}

/** Our own database (never idb-keyval's shared default one). Opening is lazy: nothing happens until used. */
export function idbStore(name: string): Store {
  let use: ReturnType<typeof createStore> | undefined;
  // Promise.resolve().then turns a synchronous throw (no indexedDB, SecurityError) into a rejection.
  const run = <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => T | PromiseLike<T>) =>
    Promise.resolve().then(() => (use ??= createStore(name, 'keyval'))(mode, fn));
  return {
    read: (keys) => run('readonly', (s) => Promise.all(keys.map((k) => promisifyRequest(s.get(k))))),
    write: (entries, remove = []) =>
      run('readwrite', (s) => {
        remove.forEach((k) => s.delete(k));
        entries.forEach(([k, v]) => s.put(v, k));
        return promisifyRequest(s.transaction);
      }),
    list: (prefix) => run('readonly', (s) => promisifyRequest(s.getAll(IDBKeyRange.bound([prefix], [prefix, []])))),
  };
}

/** The fallback: same operations on a Map, gone with the page. */
export function memoryStore(): Store {
  const map = new Map<string, [Key, unknown]>();
  const id = (k: Key) => JSON.stringify(k);
  return {
    read: (keys) => Promise.resolve(keys.map((k) => map.get(id(k))?.[1])),
    write(entries, remove = []) {
      remove.forEach((k) => map.delete(id(k)));
      entries.forEach(([k, v]) => map.set(id(k), [k, v]));
      return Promise.resolve();
    },
    list: (prefix) =>
      Promise.resolve(
        [...map.values()]
          .filter(([k]) => Array.isArray(k) && k[0] == prefix)
          .sort(([a], [b]) => Number(a[1]) - Number(b[1]))
          .map(([, v]) => v),
      ),
  };
}

// The storage layer: one transaction per call, our own database, prefix listing, and the in-memory twin.
import { describe, expect, it } from 'vitest';
import { idbStore, memoryStore, type Store } from '../src/store.js';
import { freshName } from './fixtures.js';

describe.each([
  ['IndexedDB', () => idbStore(freshName())],
  ['memory', () => memoryStore()],
])('%s store', (_, make: () => Store) => {
  it('reads many keys at once, missing ones as undefined', async () => {
    const store = make();
    await store.write([[['d', 'a'], { x: 1 }], ['h', 2]]);
    expect(await store.read([['d', 'a'], ['d', 'b'], 'h'])).toEqual([{ x: 1 }, undefined, 2]);
  });

  it('puts and deletes (an undefined value) in one write', async () => {
    const store = make();
    await store.write([[['d', 'a'], 1]]);
    await store.write([[['d', 'b'], 2], [['d', 'a'], undefined]]);
    expect(await store.read([['d', 'a'], ['d', 'b']])).toEqual([undefined, 2]);
  });

  it('lists one prefix in numeric key order', async () => {
    const store = make();
    await store.write([[['r', 10], 'ten'], [['r', 2], 'two'], [['d', 'x'], 'other'], ['h', 'head']]);
    expect(await store.list('r')).toEqual(['two', 'ten']);
    expect(await store.list('r', 3)).toEqual(['ten']);
    expect(await store.list('d')).toEqual(['other']);
  });
});

describe('IndexedDB store', () => {
  it('uses a database of its own name, never idb-keyval’s shared default', async () => {
    const name = freshName();
    await idbStore(name).write([['h', 1]]);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).toContain(name);
    expect(names).not.toContain('keyval-store');
  });

  it('refuses a whole write whose new entry another tab wrote first, changing nothing', async () => {
    const store = idbStore(freshName());
    await store.write([[['r', 0], 'first', true]]);
    await expect(store.write([[['r', 0], 'second', true], ['h', 1]])).rejects.toBeDefined();
    expect(await store.read([['r', 0], 'h'])).toEqual(['first', undefined]);
  });

  it('opens nothing until it is used', async () => {
    const name = freshName();
    idbStore(name);
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(name);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const original = indexedDB.open;
    indexedDB.open = () => {
      throw new DOMException('no', 'SecurityError');
    };
    try {
      await expect(idbStore(freshName()).read(['h'])).rejects.toThrow('no');
    } finally {
      indexedDB.open = original;
    }
  });
});

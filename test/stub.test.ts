// The inline stub, as built (dist/optin-stub.js, run by `npm run build` before the unit tests): what it queues,
// in which format, and how its gated functions forward once bound. The replay itself: script-tag.test.ts.
// Scripts run in this file's page (happy-dom runs none unless told to):
// @vitest-environment-options {"settings":{"enableJavaScriptEvaluation":true,"suppressInsecureJavaScriptEnvironmentWarning":true}}
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Stub } from '../widgets/stub.js';

let source = '';
beforeAll(() => {
  try {
    // A path, not `new URL(…)`: in happy-dom, URL is the page's, which knows no file: URLs.
    source = readFileSync(join(fileURLToPath(import.meta.url), '../../dist/optin-stub.js'), 'utf8');
  } catch (cause) {
    throw new Error('dist/optin-stub.js is missing: run `npx rollup -c` (or `npm run build`) before these tests.', { cause });
  }
});

const win = window as unknown as { consent?: unknown; [stub: symbol]: unknown };
/** Runs the built stub as a page would: an inline script. */
const paste = () => {
  const script = document.createElement('script');
  script.textContent = source;
  document.head.append(script);
  return win.consent as Stub;
};

afterEach(() => {
  delete win.consent;
  delete win[Symbol.for('optinq')];
  document.head.innerHTML = '';
});

describe('the built stub', () => {
  it('is a few hundred bytes', () => {
    expect(source.length).toBeLessThan(650);
    expect(gzipSync(source).length).toBeLessThan(410);
    expect(source).not.toMatch(/\beval\b|new Function/);
  });

  it('defines window.consent with the queue and every early method; has() is false', () => {
    const stub = paste();
    expect(Object.keys(stub).sort()).toEqual(['decide', 'decideAll', 'gate', 'has', 'q', 'require', 'show', 'showPreferences', 'withdraw']);
    expect(stub.q).toEqual([]);
    expect(stub.has()).toBe(false);
  });

  it('has every method that the typed window.consent (optin/global) says it queues', () => {
    const doc = readFileSync(join(fileURLToPath(import.meta.url), '../../widgets/window.ts'), 'utf8');
    const promised = /stands in for it: ([\s\S]*?) are\s+(?:\*\s+)?queued/.exec(doc)![1]!;
    const named = [...promised.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(4);
    const stub = paste();
    for (const name of named) expect(typeof (stub as unknown as Record<string, unknown>)[name], `stub.${name}`).toBe('function');
  });

  it('does nothing when window.consent already exists (a second paste, or the real instance)', () => {
    const first = paste();
    first.show();
    expect(paste()).toBe(first);
    expect(first.q).toHaveLength(1);
    const real = { has: () => true, [Symbol.for('optin')]: true };
    win.consent = real;
    expect(paste()).toBe(real);
  });

  it('installs over anything else named window.consent, such as an element with id="consent"', () => {
    document.body.innerHTML = '<form><input type="checkbox" id="consent"> I accept the terms</form>';
    // Browsers expose the element as window.consent from the window's prototype chain (happy-dom does not): an
    // assignment to window shadows it.
    const proto = Object.getPrototypeOf(window) as { consent?: unknown };
    Object.defineProperty(proto, 'consent', { value: document.getElementById('consent'), writable: true, configurable: true });
    try {
      const stub = paste();
      expect(typeof stub.gate).toBe('function');
      expect(stub.q).toEqual([]);
    } finally {
      delete proto.consent;
      document.body.innerHTML = '';
    }
  });

  // It took any `q` array for its own: the page's early consent.gate() then threw a TypeError.
  it("installs over another script's queue named window.consent, so the page's early calls do not throw", () => {
    const theirs = { q: [['track', 'page']] };
    win.consent = theirs;
    const stub = paste();
    expect(stub).not.toBe(theirs);
    expect(() => stub.gate('analytics', () => undefined)('early')).not.toThrow();
    expect(theirs.q).toEqual([['track', 'page']]);
  });

  it('queues promise calls as [name, args, resolve, reject], settling the promise it returned', async () => {
    const stub = paste();
    const required = stub.require('analytics', { ask: true });
    const decided = stub.decide({ analytics: true });
    void stub.decideAll(false);
    void stub.withdraw();
    expect(stub.q.map(([name, args]) => [name, args])).toEqual([
      ['require', ['analytics', { ask: true }]],
      ['decide', [{ analytics: true }]],
      ['decideAll', [false]],
      ['withdraw', []],
    ]);
    const [, , resolve] = stub.q[0]!;
    const [, , , reject] = stub.q[1]!;
    (resolve as (v: unknown) => void)(undefined);
    (reject as (e: unknown) => void)(new Error('no'));
    await expect(required).resolves.toBeUndefined();
    await expect(decided).rejects.toThrow('no');
  });

  // The README: require's timeoutMs "counts from the call". Until the file loads, and for ever when it never does (an
  // ad blocker, a 404, a CSP that refuses it), only the stub can keep that promise.
  it('require: its timeoutMs rejects the promise it returned, without the script', async () => {
    vi.useFakeTimers();
    try {
      const stub = paste();
      const timedOut = stub.require('analytics', { timeoutMs: 500 }).catch((error: unknown) => error);
      let waiting = true;
      void stub.require('analytics', { timeoutMs: 2 ** 31 }).finally(() => (waiting = false));
      void stub.require('analytics').finally(() => (waiting = false));
      // No timeout given, as the real require() reads it: null is none, not zero.
      void stub.require('analytics', { timeoutMs: null }).finally(() => (waiting = false));
      void stub.decide({ analytics: true }, null).finally(() => (waiting = false));
      await vi.advanceTimersByTimeAsync(500);
      expect(await timedOut).toMatchObject({ code: 'timeout', message: 'No decision in time' });
      // Longer than a timer can wait: as in the real require(), no timer at all (one would fire at once).
      await vi.advanceTimersByTimeAsync(1000);
      expect(waiting).toBe(true);
      // Still queued, with the time of the call: the replay gives the real call what is left of the timeout.
      expect(stub.q).toHaveLength(5);
      expect(stub.q[0]![4]).toBe(Date.now() - 1500);
    } finally {
      vi.useRealTimers();
    }
  });

  it('queues show and showPreferences as [name, args]', () => {
    const stub = paste();
    stub.show();
    stub.showPreferences();
    expect(stub.q).toEqual([
      ['show', []],
      ['showPreferences', []],
    ]);
  });

  it('gate: queues its creation, then its calls in order; once bound, calls go straight to the real function', () => {
    const stub = paste();
    const track = () => undefined;
    const send = stub.gate('analytics', track, { hold: false });
    send('a', 1);
    stub.show();
    send('b');
    expect(stub.q.map(([name, args]) => [name, args])).toEqual([
      ['gate', ['analytics', track, { hold: false }]],
      ['call', ['a', 1]],
      ['show', []],
      ['call', ['b']],
    ]);
    expect(stub.q[1]![2]).toBe(send);
    const real = vi.fn();
    (stub.q[0]![2] as (fn: unknown) => void)(real);
    send('c');
    expect(real).toHaveBeenCalledExactlyOnceWith('c');
    expect(stub.q).toHaveLength(4);
    // A replay of the queued calls goes through the bound function too.
    (stub.q[1]![2] as (...args: unknown[]) => void)(...stub.q[1]![1]);
    expect(real).toHaveBeenLastCalledWith('a', 1);
  });

  // When optin.global.js never loads (an ad blocker, a 404), nothing ever empties the queue: a gated function called on
  // every scroll or click would hold calls until the tab is closed. As the real gate() holds at most 100 by default.
  it('gate: holds the first 100 calls of each gated function, and drops the ones after', () => {
    const stub = paste();
    const track = stub.gate('analytics', () => undefined);
    const score = stub.gate('credit-scoring', () => undefined);
    for (let i = 0; i < 10_000; i++) track(i);
    score('once');
    const held = (gated: unknown) => stub.q.filter(([name, , fn]) => name == 'call' && fn == gated).map(([, args]) => args[0]);
    expect(held(track)).toHaveLength(100);
    expect(held(track)).toEqual([...Array(100).keys()]);
    expect(held(score)).toEqual(['once']);
    expect(stub.q).toHaveLength(103);
  });
});

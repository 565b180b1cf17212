// `npm run bench`: speed and memory of the core, measured in Node on the built dist/optin.js.
// IndexedDB here is fake-indexeddb (Node has none); start-up figures in a browser differ, the shape does not.
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { createConsent } from '../dist/optin.js';

const purpose = (id) => ({ id, title: id, description: `Why ${id} is collected.`, data: ['page views'], retention: '6 months' });
const config = (n, storageName) => ({
  controller: { name: 'Bench Ltd.', contact: 'privacy@bench.example' },
  policy: { version: '1', url: 'https://bench.example/privacy' },
  purposes: Array.from({ length: n }, (_, i) => purpose(`purpose-${i}`)),
  storageName,
});

function nsPerOp(label, count, fn) {
  for (let i = 0; i < Math.min(count, 1e5); i++) fn(i); // warm up
  const start = performance.now();
  for (let i = 0; i < count; i++) fn(i);
  const ns = ((performance.now() - start) * 1e6) / count;
  console.log(`${label.padEnd(44)} ${ns.toFixed(1).padStart(8)} ns/op  ${(1e9 / ns / 1e6).toFixed(1).padStart(7)} M ops/s`);
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`Optin bench: Node ${process.version}, IndexedDB = fake-indexeddb (in-memory, Node)`);
const consent = createConsent(config(10, 'bench-hot'));
await consent.ready;
await consent.decide({ 'purpose-0': true });
let sink = 0;
nsPerOp('has() on a granted purpose', 5e6, () => (sink += consent.has('purpose-0') ? 1 : 0));
nsPerOp('has() on an undecided purpose', 5e6, () => (sink += consent.has('purpose-1') ? 1 : 0));
const send = consent.gate('purpose-0', (n) => (sink += n));
nsPerOp('a call through gate() after a yes', 5e6, (i) => send(i));

{
  // require() on a granted purpose: how many settle per second, and that each settles within one microtask.
  const count = 1e6;
  const start = performance.now();
  for (let i = 0; i < count; i++) await consent.require('purpose-0');
  const ns = ((performance.now() - start) * 1e6) / count;
  let settled = false;
  void consent.require('purpose-0').then(() => (settled = true));
  await Promise.resolve();
  console.log(`${'await require() on a granted purpose'.padEnd(44)} ${ns.toFixed(1).padStart(8)} ns/op  (settles within a microtask: ${settled})`);
}

{
  // A page that awaits require() with a timeout for every event before consent: 20,000 calls that time out together,
  // from the first settling to the last (they were issued over some milliseconds, so the spread is never 0).
  const waiting = createConsent(config(1, 'bench-waiting'));
  await waiting.ready;
  let first, last;
  const calls = Array.from({ length: 20_000 }, () =>
    waiting.require('purpose-0', { timeoutMs: 1000 }).catch(() => {
      last = performance.now();
      first ??= last;
    }),
  );
  await Promise.all(calls);
  console.log(`${'20,000 require() timing out together'.padEnd(44)} ${(last - first).toFixed(0).padStart(8)} ms from the first settled to the last`);
}

for (const n of [10, 100, 1000]) {
  const name = `bench-start-${n}`;
  const seed = createConsent(config(n, name));
  await seed.ready;
  await seed.decideAll(true);
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const start = performance.now();
    const c = createConsent(config(n, name));
    await c.ready;
    runs.push(performance.now() - start);
    if (!c.has(`purpose-${n - 1}`)) throw new Error('bench: decisions were not loaded');
  }
  console.log(`${`start-up to ready, ${n} stored decisions`.padEnd(44)} ${median(runs).toFixed(2).padStart(8)} ms (median of 7)`);
}

{
  const held = createConsent(config(1, 'bench-held'));
  await held.ready;
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const track = held.gate('purpose-0', (event) => (sink += event.n), { limit: 10_000 });
  for (let i = 0; i < 10_000; i++) track({ n: i, page: `/article/${i}` });
  global.gc?.();
  const after = process.memoryUsage().heapUsed;
  console.log(`${'memory for 10,000 held calls'.padEnd(44)} ${((after - before) / 1024).toFixed(0).padStart(8)} KiB (${((after - before) / 10_000).toFixed(0)} B per call, payload included${global.gc ? '' : '; run with --expose-gc for a steadier figure'})`);
}
if (sink < 0) console.log(sink);
process.exit(0);

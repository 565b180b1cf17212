// `npm run bench`, second part: the figures only a browser gives, in the system's Chromium with its real IndexedDB:
// start-up to `ready` with stored decisions, how soon the banner shows on the demo page, and the network guard's cost.
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from '../demo/server.mjs';

const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.log(`(browser figures skipped: no Chromium at ${executablePath}; install it with \`sudo apt-get install -y chromium\`)`);
  process.exit(0);
}
const core = readFileSync(new URL('../dist/size/core.min.js', import.meta.url), 'utf8');
const server = await startServer({ port: 0 });
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const version = browser.version();
  console.log(`\nIn Chromium ${version}, IndexedDB = the browser's own`);
  const page = await browser.newPage();
  // A blank page of the demo's origin: the demo's own pages run Optin, whose work would share the measurements.
  await page.route('**/bench-blank', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
  await page.goto(new URL('/bench-blank', server.url).href);
  for (const n of [10, 100, 1000]) {
    const ms = await page.evaluate(
      async ({ code, n }) => {
        const { createConsent } = await import(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
        const purposes = Array.from({ length: n }, (_, i) => ({ id: `purpose-${i}`, title: `Purpose ${i}`, description: 'Why.', data: ['page views'], retention: '6 months' }));
        const config = { controller: { name: 'Bench Ltd.', contact: 'privacy@bench.example' }, policy: { version: '1', url: '/privacy' }, purposes, storageName: `bench-${n}` };
        const seed = createConsent(config);
        await seed.ready;
        await seed.decideAll(true);
        const runs = [];
        for (let r = 0; r < 7; r++) {
          const start = performance.now();
          const consent = createConsent(config);
          await consent.ready;
          runs.push(performance.now() - start);
          if (!consent.has(`purpose-${n - 1}`)) throw new Error('bench: decisions were not loaded');
        }
        return runs;
      },
      { code: core, n },
    );
    console.log(`${`start-up to ready, ${n} stored decisions`.padEnd(44)} ${median(ms).toFixed(2).padStart(8)} ms (median of 7)`);
  }

  // The banner on a first visit: from the moment the dialogs mount (right after the script runs) to the banner.
  // With no decision ever stored (consent.firstVisit) it does not wait for IndexedDB to be created; a returning
  // visitor's banner does wait for the stored decisions, so that it never flashes.
  const after = [];
  const frames = [];
  for (let r = 0; r < 7; r++) {
    const context = await browser.newContext();
    const visit = await context.newPage();
    await visit.addInitScript(() => {
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        const mounted = performance.now();
        new MutationObserver((_, observer) => {
          if (!root.querySelector('.banner')) return;
          observer.disconnect();
          const time = performance.now();
          // The frame that paints it starts with this callback (its timestamp is that frame's start).
          requestAnimationFrame((frame) => (window.bannerAt = { time, frame, mounted }));
        }).observe(root, { childList: true, subtree: true });
        return root;
      };
    });
    await visit.goto(server.url);
    await visit.waitForFunction(() => window.bannerAt);
    const { time, frame, mounted } = await visit.evaluate(() => window.bannerAt);
    after.push(time - mounted);
    frames.push(Math.max(frame, time) - mounted);
    await context.close();
  }
  console.log(`${'first visit: banner in the page after mounting'.padEnd(44)} ${median(after).toFixed(2).padStart(8)} ms (median of 7)`);
  console.log(`${'first visit: frame that paints it begins'.padEnd(44)} ${median(frames).toFixed(2).padStart(8)} ms (median of 7; one frame is 16.7 ms)`);

  // What the network guard adds to the page's own calls it wraps: setAttribute (every attribute, `src` parsed as a
  // URL) and fetch's check before the request. The demo page as served (guard on) and with the guard left out.
  for (const guard of [false, true]) {
    const context = await browser.newContext();
    await context.route(/\/$/, async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      await route.fulfill({ response, body: guard ? html : html.replace(',\n  "networkGuard": true', '') });
    });
    const visit = await context.newPage();
    await visit.goto(server.url);
    await visit.waitForFunction(() => window.consent && 'ready' in window.consent);
    const ns = await visit.evaluate(() => {
      // A script element outside the document: setting its src fetches nothing, so only the call is timed.
      const el = document.createElement('script');
      const time = (n, fn) => {
        const runs = [];
        for (let r = 0; r < 5; r++) {
          const start = performance.now();
          for (let i = 0; i < n; i++) fn(i);
          runs.push(((performance.now() - start) * 1e6) / n);
        }
        return runs.sort((a, b) => a - b)[2];
      };
      return {
        attribute: time(100_000, (i) => el.setAttribute('title', 't' + (i & 7))),
        src: time(50_000, (i) => el.setAttribute('src', '/tag.js?' + (i & 7))),
      };
    });
    const label = guard ? 'guard on ' : 'guard off';
    console.log(`${`${label}: setAttribute('title') / ('src')`.padEnd(44)} ${ns.attribute.toFixed(0).padStart(8)} ns / ${ns.src.toFixed(0)} ns (median of 5)`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

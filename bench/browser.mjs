// `npm run bench`, second part: the figures only a browser gives, in the system's Chromium with its real IndexedDB:
// start-up to `ready` with stored decisions, how soon the banner shows on the demo page, a long proof log, the
// preferences with 100 purposes, and the network guard's cost.
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

  // A returning visitor with a long proof log, on the script tag's page (dialogs and delivery on): the log is never
  // read at start-up or per decision; receipts() and verifyReceipts() read all of it. The endpoint answers from a
  // stub in the page, so delivery shows Optin's own cost.
  const purposeList = (n, recipients = false) => Array.from({ length: n }, (_, i) => ({ id: `purpose-${i}`, title: `Purpose ${i}`, description: `Counts page views for report ${i}.`, data: ['page views'], retention: '6 months', ...(recipients && { recipients: [{ name: 'Stats Co', country: 'DE' }] }) }));
  const tagPage = (config) =>
    `<!doctype html><html lang="en"><title>bench</title><script>window.posted = 0; const real = fetch; window.fetch = (url, init) => String(url).endsWith('/bench-receipts') ? (window.posted += JSON.parse(init.body).receipts.length, Promise.resolve(new Response(null, { status: 204 }))) : real(url, init);</script>` +
    `<script type="application/json" id="optin-config">${JSON.stringify(config)}</script><script src="/optin.global.js"></script><body><main>page</main></body>`;
  for (const n of [1000, 10_000]) {
    const config = { controller: { name: 'Bench Ltd.', contact: 'privacy@bench.example' }, policy: { version: '1', url: '/privacy' }, purposes: purposeList(5), storageName: `bench-log-${n}`, receipts: { endpoint: '/bench-receipts' } };
    const context = await browser.newContext();
    await context.route('**/bench-tag', (route) => route.fulfill({ contentType: 'text/html', body: tagPage(config) }));
    await context.route('**/bench-blank', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
    const visit = await context.newPage();
    await visit.goto(new URL('/bench-blank', server.url).href);
    // The log as `n` decisions would have left it (the chain of SHA-256, its head, the decisions, all delivered).
    await visit.evaluate(
      async ({ n, name }) => {
        const hex = async (text) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))), (b) => b.toString(16).padStart(2, '0')).join('');
        const entries = [];
        let prev = '';
        const at = Date.now() - n;
        for (let seq = 0; seq < n; seq++) {
          const receipt = { at: at + seq, policy: '1', method: 'api', locale: 'en', choices: { 'purpose-0': seq % 2 == 0 }, hashes: { 'purpose-0': 'f'.repeat(64) }, sdk: '0.1.0', seq, prev };
          entries.push([['r', seq], receipt]);
          prev = await hex(JSON.stringify(receipt));
        }
        entries.push(['h', { seq: n - 1, hash: prev }]);
        const db = await new Promise((done) => {
          const open = indexedDB.open(name);
          open.onupgradeneeded = () => open.result.createObjectStore('keyval');
          open.onsuccess = () => done(open.result);
        });
        const tx = db.transaction('keyval', 'readwrite');
        for (const [key, value] of entries) tx.objectStore('keyval').put(value, key);
        await new Promise((done) => (tx.oncomplete = done));
        db.close();
        localStorage.setItem('optin:' + name, '1');
        localStorage.setItem(`optin:${name}:sent`, JSON.stringify({ seq: n - 1, at: at + n - 1 }));
      },
      { n, name: config.storageName },
    );
    await visit.goto(new URL('/bench-tag', server.url).href);
    const figures = await visit.evaluate(async () => {
      await window.consent.ready;
      const { consent } = window;
      const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const time = async (runs, fn) => {
        const ms = [];
        for (let r = 0; r < runs; r++) {
          const start = performance.now();
          await fn(r);
          ms.push(performance.now() - start);
        }
        return median(ms);
      };
      const delivered = async (count) => {
        while (window.posted < count) await new Promise((done) => setTimeout(done));
      };
      const decide = await time(15, (r) => consent.decide({ 'purpose-1': r % 2 == 0 }));
      await delivered(15);
      const deliver = await time(15, async (r) => {
        await consent.decide({ 'purpose-2': r % 2 == 0 });
        await delivered(16 + r);
      });
      const receipts = await time(3, () => consent.receipts());
      const verify = await time(3, () => consent.verifyReceipts());
      return { decide, deliver, receipts, verify, ok: (await consent.verifyReceipts()).ok, count: (await consent.receipts()).length };
    });
    if (!figures.ok || figures.count != n + 30) throw new Error('bench: the proof log did not verify');
    // The next page view with the whole log still to deliver (an endpoint added, or down until now).
    await visit.evaluate((name) => localStorage.removeItem(`optin:${name}:sent`), config.storageName);
    await visit.reload();
    const backlog = await visit.evaluate(async (count) => {
      const start = performance.now();
      while (window.posted < count) await new Promise((done) => setTimeout(done, 5));
      return performance.now() - start;
    }, n + 30);
    await context.close();
    const label = `${n.toLocaleString('en')} receipts`;
    console.log(`${`${label}: decide() to receipt kept`.padEnd(44)} ${figures.decide.toFixed(2).padStart(8)} ms (median of 15)`);
    console.log(`${`${label}: decide() to delivered`.padEnd(44)} ${figures.deliver.toFixed(2).padStart(8)} ms (median of 15)`);
    console.log(`${`${label}: read all / verify chain`.padEnd(44)} ${figures.receipts.toFixed(0).padStart(8)} ms / ${figures.verify.toFixed(0)} ms (median of 3)`);
    console.log(`${`${label}: all delivered, from ready`.padEnd(44)} ${backlog.toFixed(0).padStart(8)} ms`);
  }

  // The preferences with 100 purposes (each with a recipient): opening them, to the frame that paints them; a switch
  // turned on, and one turned off that withdraws a yes, each to its frame; and "Accept all" there, to its receipt.
  {
    const config = { controller: { name: 'Bench Ltd.', contact: 'privacy@bench.example' }, policy: { version: '1', url: '/privacy' }, purposes: purposeList(100, true), storageName: 'bench-prefs' };
    const open = [];
    const on = [];
    const off = [];
    const accept = [];
    for (let r = 0; r < 5; r++) {
      const context = await browser.newContext();
      await context.route('**/bench-tag', (route) => route.fulfill({ contentType: 'text/html', body: tagPage(config) }));
      const visit = await context.newPage();
      await visit.goto(new URL('/bench-tag', server.url).href);
      await visit.waitForFunction(() => document.querySelector('optin-consent')?.shadowRoot.querySelector('.banner'));
      const ms = await visit.evaluate(async () => {
        const { consent } = window;
        const root = document.querySelector('optin-consent').shadowRoot;
        const frame = () => new Promise((done) => requestAnimationFrame(done));
        const receipt = () => new Promise((done) => consent.on('receipt', done));
        // Yeses to switch off, given before the preferences open.
        let kept = receipt();
        await consent.decide(Object.fromEntries([50, 51, 52, 53, 54].map((i) => [`purpose-${i}`, true])));
        await kept;
        let start = performance.now();
        consent.showPreferences();
        await frame();
        const open = performance.now() - start;
        const switches = root.querySelectorAll('dialog [role=switch]');
        if (switches.length != 100) throw new Error('bench: not 100 switches');
        const toFrame = async (control) => {
          const start = performance.now();
          control.click();
          await frame();
          return performance.now() - start;
        };
        const [on, off] = [[], []];
        for (let i = 0; i < 5; i++) {
          on.push(await toFrame(switches[40 + i]));
          kept = receipt();
          off.push(await toFrame(switches[50 + i]));
          if (consent.has(`purpose-${50 + i}`)) throw new Error('bench: the yes was not withdrawn');
          await kept;
        }
        kept = receipt();
        start = performance.now();
        root.querySelector('dialog [data-action=accept]').click();
        await kept;
        return { open, on, off, accept: performance.now() - start };
      });
      open.push(ms.open);
      on.push(...ms.on);
      off.push(...ms.off);
      accept.push(ms.accept);
      await context.close();
    }
    console.log(`${'100 purposes: open preferences, to a frame'.padEnd(44)} ${median(open).toFixed(2).padStart(8)} ms (median of 5)`);
    console.log(`${'100 purposes: a switch on, to a frame'.padEnd(44)} ${median(on).toFixed(2).padStart(8)} ms (median of 25)`);
    console.log(`${'100 purposes: a yes switched off, to a frame'.padEnd(44)} ${median(off).toFixed(2).padStart(8)} ms (median of 25)`);
    console.log(`${'100 purposes: their Accept all, to receipt'.padEnd(44)} ${median(accept).toFixed(2).padStart(8)} ms (median of 5)`);
  }

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

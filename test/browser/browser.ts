// Real Chromium (the system's, never a downloaded one) against the demo server on 127.0.0.1, one fresh browser
// context per test, with what the tests read: the server's own log, page errors, IndexedDB and the dialogs.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startServer, type DemoServer } from '../../demo/server.mjs';


const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
// The flags this machine needs: no sandbox as root, and no background traffic to Google's hosts.
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The browser, the demo server and this test's context; fresh context and empty server log for every test. */
export const env = {} as { browser: Browser; server: DemoServer; context: BrowserContext; errors: string[] };

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium was not found at ${executablePath}. The browser tests drive the system's Chromium and never download one: ` +
        'install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROME_PATH to a Chromium or Chrome binary.',
    );
  }
  env.server = await startServer({ port: 0 });
  env.browser = await chromium.launch({ executablePath, args, headless: true });
});
afterAll(async () => {
  await env.browser?.close();
  await env.server?.close();
});
beforeEach(async () => {
  env.server.clearLog();
  env.server.clearCspReports();
  env.server.clearReceipts();
  env.errors = [];
  env.context = await env.browser.newContext({ viewport: { width: 1100, height: 800 } });
  // The page may reach the demo server only: anything else would be a request no test accounts for.
  await env.context.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
});
afterEach(async () => {
  await env.context.close();
  expect(env.errors, 'uncaught errors in the page').toEqual([]);
});

/** A new tab of this test's context on `path` of the demo, with its uncaught errors collected. */
export async function open(path = '/', context = env.context): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => env.errors.push(error.message));
  await page.goto(new URL(path, env.server.url).href);
  return page;
}

/**
 * A browser of its own with the back/forward cache on, which Playwright turns off (--disable-back-forward-cache), and
 * a context in it whose pages the cache keeps: the demo serves them with `Cache-Control: no-store`, which keeps a page
 * out of Chromium's cache. Reaches the demo server only, as the test's own context does; its uncaught errors count.
 */
export async function withBackForwardCache() {
  const browser = await chromium.launch({ executablePath, args, headless: true, ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  const context = await browser.newContext();
  await context.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
  await context.route(/^http:\/\/127\.0\.0\.1[:/]/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'cache-control': 'max-age=0' } });
  });
  return { browser, context };
}

/** Serves the demo's home page with `pattern` replaced by `replacement`: a variant of the page for this test. */
export const rewriteHome = (pattern: string | RegExp, replacement: string, context = env.context) =>
  context.route(
    (url) => url.pathname == '/',
    async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()).replace(pattern, replacement) });
    },
  );

/** The collection requests the server received, as `purpose path`. */
export const collected = (): string[] => env.server.log.map((e) => `${e.purpose} ${e.path}`);
/** How many collection requests reached the server for `purpose`. */
export const hits = (purpose: string): number => env.server.log.filter((e) => e.purpose == purpose).length;

/** Waits until `check` holds (the server log, a DOM state), or fails with `what` and what the server had received. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeout = 5000): Promise<void> {
  try {
    await expect.poll(check, { timeout, interval: 50 }).toBe(true);
  } catch (error) {
    // The log tells a slow machine (the requests came, late) from a defect (one never came).
    throw new Error(`Timed out after ${timeout} ms waiting for: ${what}. The server had received: ${collected().join(', ') || 'nothing'}`, { cause: error });
  }
}

/** The banner once it shows (Playwright's role queries look inside the open shadow root). */
export async function banner(page: Page) {
  const dialog = page.getByRole('dialog', { name: /Your privacy choices|您的隐私选择/ });
  await dialog.waitFor();
  // Its slide-in animation over, so boxes are measured where they stay.
  await dialog.evaluate((el) => Promise.all(el.getAnimations().map((animation) => animation.finished)));
  return dialog;
}

/** The decision stored for `purpose` in the page's real IndexedDB (Optin's own database), or undefined. */
export const stored = (page: Page, purpose: string) =>
  page.evaluate(
    (id) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('optin');
        // Not there yet: reading must not create it (an empty database without Optin's store would make Optin's own
        // open find no store and fall back to memory, a fault this harness would have caused).
        let created = false;
        open.onupgradeneeded = () => {
          created = true;
          open.transaction!.abort();
        };
        open.onerror = () => (created ? resolve(undefined) : reject(open.error ?? new Error('open failed')));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('keyval')) return resolve(undefined);
          const get = db.transaction('keyval').objectStore('keyval').get(['d', id]);
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error ?? new Error("get failed"));
        };
      }),
    purpose,
  );

/** The accessible name and role of the focused element, looking inside shadow roots. */
export const focusedName = (page: Page) =>
  page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const el = active as HTMLElement | null;
    const inside = !!el && el.getRootNode() !== document;
    // The accessible name as our controls give it: aria-label, else aria-labelledby (in the same root), else the text
    // not hidden from assistive tech, else the title (the ×).
    const labelledBy = el?.getAttribute('aria-labelledby');
    const label = labelledBy && (el!.getRootNode() as Document | ShadowRoot).getElementById(labelledBy)?.textContent;
    const heard = [...(el?.childNodes ?? [])].filter((node) => !(node instanceof Element && node.ariaHidden == 'true')).map((node) => node.textContent).join('');
    return { tag: el?.tagName.toLowerCase(), text: (el?.getAttribute('aria-label') || label || heard.trim() || el?.title || '').trim(), role: el?.getAttribute('role') ?? '', inDialog: inside && !!el.closest('dialog, [role=dialog]') };
  });

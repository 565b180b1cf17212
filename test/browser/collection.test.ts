// What leaves the page, read from the demo server's own log: nothing before a yes, exactly what was allowed after
// one, nothing after a no or a withdrawal; decisions kept in the real IndexedDB and shared with other tabs.
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { banner, collected, env, focusedName, hits, open, rewriteHome, stored, until, withBackForwardCache } from './browser.js';

const idle = (ms = 2000) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 864e5;

/** Every request for analytics' declared host that `page` attempts, as the browser reports it (refused ones too). */
const attemptsAtStats = (page: Page) => {
  const attempted: string[] = [];
  page.on('request', (request) => void (request.url().includes('stats.lantern.example') && attempted.push(request.url())));
  return attempted;
};

/** A careless snippet in the page that skips the gate: a fetch and a pixel straight to analytics' declared host. */
const skipTheGate = (page: Page, name: string) =>
  page.evaluate((name) => {
    void fetch(`https://stats.lantern.example/${name}-fetch`, { mode: 'no-cors' }).catch(() => undefined);
    new Image().src = `https://stats.lantern.example/${name}-pixel`;
  }, name);

/** SHA-256 of the text `dialog` renders, hashed as an auditor would: its innerText, as the person sees it. */
const renderedHash = (dialog: Locator) =>
  dialog.evaluate(async (el) => {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode((el as HTMLElement).innerText));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  });

describe('collection (PRE-01, GATE-01)', () => {
  it('fresh visit: nothing reaches the server while the page idles, every switch is off, and Accept and Reject look the same', async () => {
    const page = await open();
    const dialog = await banner(page);
    await idle();
    expect(collected()).toEqual([]);
    const accept = dialog.getByRole('button', { name: 'Accept all' });
    const reject = dialog.getByRole('button', { name: 'Reject all' });
    const look = (button: typeof accept) =>
      button.evaluate((el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return { width: Math.round(box.width), height: Math.round(box.height), color: style.color, background: style.backgroundColor, border: style.borderColor, font: style.font };
      });
    expect(await look(reject)).toEqual(await look(accept));
    await page.getByRole('button', { name: 'Customize' }).click();
    const switches = page.getByRole('switch');
    expect(await switches.count()).toBe(5);
    for (const value of await switches.evaluateAll((all) => all.map((s) => s.getAttribute('aria-checked')))) expect(value).toBe('false');
    expect(collected()).toEqual([]);
  });

  it('Reject all, reload: still nothing collected, no banner, and the denial is in the real IndexedDB with the hash of the banner text shown (REC-01, CHO-06)', async () => {
    const page = await open();
    const shown = await banner(page);
    // What the person read, hashed here as an auditor would: the rendered text of the dialog they decided in.
    const textHash = await renderedHash(shown);
    await shown.getByRole('button', { name: 'Reject all' }).click();
    await until(async () => (await stored(page, 'analytics')) !== undefined, 'the stored decision');
    expect(await stored(page, 'analytics')).toMatchObject({ textHash });
    await page.reload();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    await idle();
    expect(collected()).toEqual([]);
    expect(await page.getByRole('dialog').count()).toBe(0);
    for (const purpose of ['analytics', 'personalisation', 'marketing', 'video', 'credit-scoring']) {
      expect(await stored(page, purpose), purpose).toMatchObject({ granted: false, method: 'banner', policy: '2026-11', v: 1 });
    }
    expect(await page.locator('#collection-calls li[data-status=blocked]').count()).toBe(4);
  });

  it('Accept all: analytics and recommendations load; transfers abroad (pixel, video) and credit scoring only on their own yes; kept after a reload', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    const expected = ['analytics /trackers/analytics.js', 'analytics /collect/analytics/pageview', 'personalisation /collect/personalisation/recommendations'];
    await until(() => expected.every((request) => collected().includes(request)), 'every accepted purpose to reach the server: ' + expected.join(', '));
    await expect.poll(() => page.locator('#recommendations li').count()).toBe(3);
    await idle(1000);
    // The ad pixel (to Singapore) and the video player (from the United States) are transfers abroad: separate consent.
    expect([hits('marketing'), hits('video'), hits('credit-scoring')]).toEqual([0, 0, 0]);
    expect(await page.locator('iframe[data-consent=video]').getAttribute('src')).toBeNull();
    await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).click();
    await page.getByRole('dialog', { name: 'Allow Embedded video?' }).getByRole('button', { name: 'Allow Embedded video' }).click();
    await until(() => hits('video') == 1, 'the video player, after its own yes');
    expect(await page.locator('iframe[data-consent=video]').getAttribute('src')).toBe('/collect/video/embed');
    expect(hits('marketing')).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { consent: { has(id: string): boolean } }).consent.has('credit-scoring'))).toBe(false);

    await page.getByRole('button', { name: 'Check my credit score' }).click();
    const prompt = page.getByRole('dialog', { name: 'Allow Credit scoring?' });
    await prompt.waitFor();
    expect(hits('credit-scoring')).toBe(0);
    await prompt.getByRole('button', { name: 'Allow Credit scoring' }).click();
    await expect.poll(() => page.locator('#credit-result').textContent()).toContain('712');
    expect(hits('credit-scoring')).toBe(1);
    expect(await stored(page, 'credit-scoring')).toMatchObject({ granted: true, method: 'prompt' });

    await page.reload();
    await page.locator('#collection-calls li').first().waitFor();
    await idle(1000);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { consent: { has(id: string): boolean } }).consent.has('credit-scoring'))).toBe(true);
    expect(hits('credit-scoring')).toBe(1);
  });

  it('a yes ends at its lifetime while the page stays open: the banner asks again and the reading-time beats stop; a no still holds at five months (GATE-05)', async () => {
    await env.context.clock.install();
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await until(async () => (await stored(page, 'analytics')) !== undefined, 'the stored decision');
    await page.clock.runFor(2500);
    await until(() => hits('analytics') > 0, 'a reading-time beat');
    // The default lifetime is 180 days (CNIL: about six months).
    await page.clock.fastForward(179 * DAY);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.clock.fastForward(2 * DAY);
    const again = await banner(page);
    expect(await page.evaluate(() => (window as unknown as { consent: { state(id: string): string } }).consent.state('analytics'))).toBe('undecided');
    const beats = hits('analytics');
    await page.clock.runFor(6000);
    await idle(500);
    expect(hits('analytics'), 'beats after the yes expired').toBe(beats);
    await again.getByRole('button', { name: 'Reject all' }).click();
    await until(async () => (await stored(page, 'analytics') as { granted?: boolean } | undefined)?.granted === false, 'the stored no');
    await page.clock.fastForward(150 * DAY);
    await page.reload();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(hits('analytics')).toBe(beats);
  });

  it('withdrawing an embed adds no history entry: Back then leaves the page instead of loading the embed again', async () => {
    const page = await open('/privacy.html');
    await page.goto(new URL('/', env.server.url).href);
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).click();
    await page.getByRole('button', { name: 'Allow Embedded video' }).click();
    await until(() => hits('video') == 1, 'the video player, after its own yes');
    const entries = await page.evaluate(() => history.length);
    await page.evaluate(() => (window as unknown as { consent: { withdraw(id: string): Promise<void> } }).consent.withdraw('video'));
    await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).waitFor();
    expect(await page.evaluate(() => history.length)).toBe(entries);
    await page.goBack();
    expect(new URL(page.url()).pathname).toBe('/privacy.html');
    await idle(500);
    expect(hits('video')).toBe(1);
  });

  it('withdrawal in the preferences stops collection at once: the log stays flat while the page keeps running', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).click();
    await page.getByRole('button', { name: 'Allow Embedded video' }).click();
    await until(() => hits('video') == 1, 'the video player, after its own yes');
    // The page sends a reading-time beat every two seconds through gate('analytics').
    await until(() => collected().includes('analytics /collect/analytics/heartbeat'), 'a reading-time beat', 5000);
    await page.getByRole('button', { name: 'Privacy settings' }).last().click();
    const preferences = page.getByRole('dialog', { name: 'Privacy settings' });
    await preferences.getByRole('button', { name: 'Reject all' }).click();
    await preferences.waitFor({ state: 'detached' });
    const after = env.server.log.length;
    await idle(4500);
    expect(collected().slice(after)).toEqual([]);
    // Unloaded: the frame was taken out and put back without src (nothing loaded in it).
    const frame = page.locator('iframe[data-consent=video]');
    expect(await frame.getAttribute('src')).toBeNull();
    expect((await (await frame.elementHandle()).contentFrame())!.url()).toBe('about:blank');
    expect(await stored(page, 'analytics')).toMatchObject({ granted: false, method: 'preferences' });
  });

  it('withdrawal from the privacy page (WDR-01): its "Privacy settings", reached by Tab, opens the preferences, and Reject all there stops what the news page collects', async () => {
    const news = await open();
    await (await banner(news)).getByRole('button', { name: 'Accept all' }).click();
    await until(() => collected().includes('analytics /collect/analytics/heartbeat'), 'a reading-time beat');
    const privacy = await open('/privacy.html');
    expect(await privacy.getByRole('heading', { name: 'Privacy policy', level: 1 }).isVisible()).toBe(true);
    let tabs = 0;
    while ((await focusedName(privacy)).text != 'Privacy settings') {
      expect(++tabs, '"Privacy settings" reached by Tab').toBeLessThan(30);
      await privacy.keyboard.press('Tab');
    }
    await privacy.keyboard.press('Enter');
    const preferences = privacy.getByRole('dialog', { name: 'Privacy settings' });
    // The yes given on the news page shows here too.
    expect(await preferences.getByRole('switch', { name: 'Analytics' }).getAttribute('aria-checked')).toBe('true');
    await preferences.getByRole('button', { name: 'Reject all' }).click();
    await preferences.waitFor({ state: 'detached' });
    expect(await stored(privacy, 'analytics')).toMatchObject({ granted: false, method: 'preferences' });
    // The news page, open in its own tab, hears of the no and stops its reading-time beats.
    const has = (page: Page) => page.evaluate(() => (window as unknown as { consent: { has(id: string): boolean } }).consent.has('analytics'));
    await until(async () => !(await has(news)), 'the news tab hears of the no');
    const after = env.server.log.length;
    await idle(4500);
    expect(collected().slice(after)).toEqual([]);
    // Loaded again, it collects nothing and asks nothing: the no holds there.
    await news.reload();
    await news.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    await idle(2500);
    expect(await news.getByRole('dialog').count()).toBe(0);
    expect(collected().slice(after)).toEqual([]);
  });

  it('withdrawal on another page of the site stops the page the person goes Back to, also when the browser kept it in its back/forward cache and told it nothing meanwhile (Safari)', async () => {
    const { browser, context } = await withBackForwardCache();
    try {
      // Chrome and Firefox evict a cached page that another page of the site messages; Safari drops the message. Here
      // the privacy page's messages are dropped, as Safari does, and the news page notes how it was shown.
      await context.addInitScript(() => {
        if (location.pathname == '/privacy.html') BroadcastChannel.prototype.postMessage = () => undefined;
        addEventListener('pageshow', (event) => ((window as unknown as { restored: boolean }).restored = event.persisted));
      });
      const page = await open('/', context);
      await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
      await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).click();
      await page.getByRole('button', { name: 'Allow Embedded video' }).click();
      await until(() => hits('video') == 1 && collected().includes('analytics /collect/analytics/heartbeat'), 'the video player and a reading-time beat');
      await page.goto(new URL('/privacy.html', env.server.url).href);
      await page.evaluate(() => (window as unknown as { consent: { withdraw(): Promise<void> } }).consent.withdraw());
      expect(await stored(page, 'analytics')).toMatchObject({ granted: false });
      await page.goBack({ waitUntil: 'commit' });
      // The very page, restored from the cache (`pageshow` with persisted), not loaded again.
      await until(() => page.evaluate(() => (window as unknown as { restored?: boolean }).restored === true), 'the news page back from the back/forward cache');
      await until(() => page.evaluate(() => !(window as unknown as { consent: { has(id: string): boolean } }).consent.has('analytics')), 'the withdrawal taking effect there');
      const after = env.server.log.length;
      await idle(4500);
      expect(collected().slice(after), 'no reading-time beat after the withdrawal').toEqual([]);
      expect(await page.locator('iframe[data-consent=video]').getAttribute('src'), 'the video player unloaded').toBeNull();
    } finally {
      await browser.close();
    }
  });

  it('the person downloads their consent record: what they chose, every receipt, the chain checked (REC-05)', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await page.getByRole('button', { name: 'Privacy settings' }).last().click();
    await page.getByRole('dialog', { name: 'Privacy settings' }).getByRole('switch', { name: 'Analytics' }).click();
    await page.getByRole('button', { name: 'Save choices' }).click();
    await until(async () => ((await stored(page, 'analytics')) as { granted?: boolean } | undefined)?.granted === true, 'the stored yes');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my consent record' }).click()]);
    expect(download.suggestedFilename()).toBe('consent-record.json');
    const record = JSON.parse(readFileSync(await download.path(), 'utf8')) as { choices: object; receipts: { method: string; choices: object }[]; check: object };
    expect(record.choices).toMatchObject({ analytics: 'granted', marketing: 'denied', 'credit-scoring': 'denied' });
    expect(record.receipts.map((r) => r.method)).toEqual(['banner', 'preferences']);
    expect(record.receipts[1]!.choices).toMatchObject({ analytics: true, personalisation: false });
    expect(record.check).toEqual({ ok: true, count: 2 });
  });

  it('receipts reach the site’s endpoint only after a decision, and a withdrawal made offline arrives once the network is back, even from a closed tab (WDR-04, REC-03)', async () => {
    const page = await open();
    const dialog = await banner(page);
    await idle(1000);
    expect(env.server.receipts).toEqual([]);
    await dialog.getByRole('button', { name: 'Accept all' }).click();
    await until(() => env.server.receipts.length == 1, 'the Accept all receipt at /consent-receipts');
    const [accepted] = env.server.receipts;
    // Separate consents (the transfers abroad, credit scoring) are no part of Accept all: still undecided, not in it.
    expect(accepted).toMatchObject({ seq: 0, method: 'banner' });
    expect(accepted!.choices).toEqual({ analytics: true, personalisation: true });
    // Minimal: the receipt's own fields and nothing that identifies the person or the device (textHash is the hash
    // of the notice text everyone is shown; action names the button, SEP-07).
    expect(Object.keys(accepted!).sort()).toEqual(['action', 'at', 'choices', 'expires', 'hashes', 'locale', 'method', 'policy', 'prev', 'sdk', 'seq', 'textHash']);
    expect(accepted).toMatchObject({ action: 'accept-all' });

    await env.context.setOffline(true);
    await page.getByRole('button', { name: 'Privacy settings' }).last().click();
    await page.getByRole('dialog', { name: 'Privacy settings' }).getByRole('switch', { name: 'Analytics' }).click();
    await until(async () => ((await stored(page, 'analytics')) as { granted?: boolean } | undefined)?.granted === false, 'the stored withdrawal');
    await idle(1000);
    expect(env.server.receipts).toHaveLength(1);
    await env.context.setOffline(false);
    await until(() => env.server.receipts.length == 2, 'the withdrawal receipt once back online');
    expect(env.server.receipts[1]).toMatchObject({ seq: 1, method: 'preferences', choices: { analytics: false }, withdrawn: ['analytics'] });

    // Offline again, a Reject all, and the tab is closed before the network returns: the next visit sends it.
    await env.context.setOffline(true);
    await page.getByRole('dialog', { name: 'Privacy settings' }).getByRole('button', { name: 'Reject all' }).click();
    await until(async () => ((await stored(page, 'personalisation')) as { granted?: boolean } | undefined)?.granted === false, 'the stored Reject all');
    await page.close();
    await env.context.setOffline(false);
    const next = await open();
    await until(() => env.server.receipts.length == 3, 'the Reject all receipt, sent by the next visit');
    expect(env.server.receipts[2]).toMatchObject({ seq: 2, method: 'preferences', choices: { personalisation: false }, withdrawn: ['personalisation'] });
    expect(env.server.receipts.map((r) => r.seq)).toEqual([0, 1, 2]);
    // The demo's panel shows the site's copy of the proof, read back from the server (it asks once a second).
    await expect.poll(() => next.locator('#receipts-held').textContent(), { timeout: 5000 }).toMatch(/the server holds 3 consent receipt\(s\), the last from .* \(preferences\)\. It withdrew: Personalised recommendations\.$/);
  });

  it('a reset after Accept all reaches the site’s endpoint as the end of those yeses, and the log still verifies (WDR-04, REC-02)', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await until(() => env.server.receipts.length == 1, 'the Accept all receipt at /consent-receipts');
    await page.evaluate(() => (window as unknown as { consent: { reset(): Promise<void> } }).consent.reset());
    await until(() => env.server.receipts.length == 2, 'the reset receipt at /consent-receipts');
    expect(env.server.receipts[1]).toMatchObject({ seq: 1, method: 'reset', choices: {}, withdrawn: ['analytics', 'personalisation'] });
    expect(await stored(page, 'analytics')).toBeUndefined();
    const check = await page.evaluate(() => (window as unknown as { consent: { verifyReceipts(): Promise<unknown> } }).consent.verifyReceipts());
    expect(check).toEqual({ ok: true, count: 2 });
  });

  it('network guard: code that skips the gate reaches no declared host before a yes, by fetch, beacon, XHR, image, srcset, script or stylesheet', async () => {
    const page = await open();
    const attempted = attemptsAtStats(page);
    const blocked: string[] = [];
    await page.exposeFunction('reportBlocked', (url: string) => blocked.push(url));
    await page.evaluate(() => window.addEventListener('consent:blocked', (e) => void (window as unknown as { reportBlocked(url: string): void }).reportBlocked((e as CustomEvent<{ url: string }>).detail.url)));
    // A careless snippet in the page, calling analytics' declared host directly, as old tags do.
    const snippet = () =>
      page.evaluate(() => {
        const url = (how: string) => 'https://stats.lantern.example/' + how;
        void fetch(url('fetch'), { mode: 'no-cors' }).catch(() => undefined);
        navigator.sendBeacon(url('beacon'), 'visit');
        const xhr = new XMLHttpRequest();
        xhr.open('GET', url('xhr'));
        xhr.send();
        new Image().src = url('pixel');
        const script = document.createElement('script');
        script.src = url('tag');
        document.head.append(script);
        const sheet = document.createElement('link');
        sheet.rel = 'stylesheet';
        sheet.href = url('sheet');
        document.head.append(sheet);
        const responsive = document.createElement('img');
        responsive.setAttribute('srcset', url('srcset') + ' 1x');
        document.body.append(responsive);
      });
    await banner(page);
    await snippet();
    // On a first visit the banner shows before the stored decisions are read, and the guard holds these requests
    // until they are: refused only then. What then idles must still reach nothing.
    await until(() => blocked.length >= 7, 'the seven refusals, once the stored decisions are known');
    await idle(1000);
    expect(attempted).toEqual([]);
    expect(blocked.map((u) => u.split('/').pop()).sort()).toEqual(['beacon', 'fetch', 'pixel', 'sheet', 'srcset', 'tag', 'xhr']);

    await page.getByRole('button', { name: 'Accept all' }).click();
    await until(() => hits('analytics') > 0, 'analytics allowed');
    await snippet();
    await until(() => ['fetch', 'beacon', 'xhr', 'pixel', 'tag', 'sheet', 'srcset'].every((how) => attempted.some((u) => u.endsWith('/' + how))), 'every request once analytics is allowed');

    // The next page view: the same kind of code runs as the page loads, in a deferred script right after
    // optin.global.js, before the stored yes is read back from IndexedDB. It waits for it instead of failing.
    const early = `addEventListener('consent:blocked', (e) => (window.earlyBlocked ??= []).push(e.detail.url));
      fetch('https://stats.lantern.example/early-fetch', { mode: 'no-cors' }).catch(() => undefined);
      navigator.sendBeacon('https://stats.lantern.example/early-beacon', 'visit');
      new Image().src = 'https://stats.lantern.example/early-pixel';
      window.earlyBeforeReady = !window.consent.has('analytics');`;
    await env.context.route(/\/early\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: early }));
    await rewriteHome('<script src="/optin.global.js" defer></script>', '$&<script src="/early.js" defer></script>');
    // Deferred scripts run in order, each once it has loaded, and the stored yes may be read while the page waits for
    // one: optin.global.js comes only once early.js is in, so early.js runs right after it, before that read ends.
    const earlyIn = page.waitForEvent('requestfinished', (request) => new URL(request.url()).pathname == '/early.js');
    await env.context.route(/\/optin\.global\.js$/, async (route) => {
      await earlyIn;
      await route.fallback();
    });
    attempted.length = 0;
    await page.reload();
    await until(() => ['early-fetch', 'early-beacon', 'early-pixel'].every((how) => attempted.some((u) => u.endsWith('/' + how))), 'the early requests, once the stored yes is known');
    expect(await page.evaluate(() => (window as unknown as { earlyBlocked?: string[] }).earlyBlocked)).toBeUndefined();
    // The requests were made while the yes was not known yet (else this part proves nothing).
    expect(await page.evaluate(() => (window as unknown as { earlyBeforeReady: boolean }).earlyBeforeReady)).toBe(true);
  });

  it('network guard: Chromium’s fetchLater reaches no declared host before a yes, and does after one', async () => {
    const page = await open();
    const attempted = attemptsAtStats(page);
    await banner(page);
    const later = (how: string) =>
      page.evaluate((url) => {
        addEventListener('consent:blocked', () => ((window as unknown as { refused: number }).refused = 1 + ((window as unknown as { refused?: number }).refused ?? 0)));
        // activateAfter: 0 sends it at once rather than when the page goes away.
        return (window as unknown as { fetchLater(url: string, init: object): { activated: boolean } }).fetchLater(url, { activateAfter: 0 }).activated;
      }, 'https://stats.lantern.example/' + how);
    expect(await page.evaluate(() => typeof (window as unknown as { fetchLater?: unknown }).fetchLater)).toBe('function');
    await later('before');
    await until(() => page.evaluate(() => (window as unknown as { refused?: number }).refused == 1), 'the refusal, once the stored decisions are known');
    await idle(1000);
    expect(attempted).toEqual([]);

    await page.getByRole('button', { name: 'Accept all' }).click();
    await until(() => hits('analytics') > 0, 'analytics allowed');
    await later('after');
    await until(() => attempted.some((url) => url.endsWith('/after')), 'the deferred fetch once analytics is allowed');
  });

  it.each([' defer', ''])('network guard from the first moment: on a first visit, a deferred script right after <script src="optin.global.js"%s> reaches no declared host', async (defer) => {
    // The news page's config is in the page (the server fills it in from optin-config.json), so the guard is on before
    // the deferred scripts that follow; a data-config file would have to be fetched first (README, network guard).
    // Without defer, Optin runs before the page is parsed, and the deferred scripts run before DOMContentLoaded.
    const early = `addEventListener('consent:blocked', (e) => (window.earlyBlocked ??= []).push(e.detail.url.split('/').pop()));
      fetch('https://stats.lantern.example/first-fetch', { mode: 'no-cors' }).catch(() => undefined);
      new Image().src = 'https://stats.lantern.example/first-pixel';`;
    await env.context.route(/\/early\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: early }));
    await rewriteHome(/<script src="\/optin\.global\.js"[^>]*><\/script>/, `<script src="/optin.global.js"${defer}></script><script src="/early.js" defer></script>`);
    const attempted: string[] = [];
    env.context.on('request', (request) => void (request.url().includes('stats.lantern.example') && attempted.push(request.url())));
    const page = await open();
    await banner(page);
    await idle(1000);
    expect(attempted).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { earlyBlocked?: string[] }).earlyBlocked?.sort())).toEqual(['first-fetch', 'first-pixel']);
  });

  it('network guard on a page whose HTML names an image "baseURI" (DOM clobbering): code that skips the gate still reaches no declared host', async () => {
    // Markup a site lets through (a comment, a CMS block): browsers expose <img name="baseURI"> as document.baseURI.
    await rewriteHome('<body>', '<body><img name="baseURI" alt="" src="/favicon.svg">');
    const page = await open();
    const attempted = attemptsAtStats(page);
    await banner(page);
    expect(await page.evaluate(() => String(document.baseURI))).toBe('[object HTMLImageElement]');
    await skipTheGate(page, 'clobbered');
    await idle(1000);
    expect(attempted).toEqual([]);
    // The site's own requests still go, relative ones too.
    expect(await page.evaluate(() => fetch('collect/personalisation/recommendations').then((r) => r.status))).toBe(200);
  });

  it('network guard with a broken config: Optin does not start, and code that skips the gate still reaches no declared host', async () => {
    // One mistake in the config the guard is asked for in: a description that says too little, which validation refuses.
    await rewriteHome('Counts page views so that we can see which stories people read and improve the site.', 'To improve your experience.');
    const page = await open();
    const attempted = attemptsAtStats(page);
    await until(() => page.evaluate(() => !!(window as unknown as { consent?: { q?: unknown[] } }).consent?.q && document.readyState == 'complete'), 'the page loaded, Optin refused to start');
    await skipTheGate(page, 'careless');
    await idle(1000);
    expect(attempted).toEqual([]);
    // The site's own requests still go.
    expect(await page.evaluate(() => fetch('/collect/personalisation/recommendations').then((r) => r.status))).toBe(200);
  });

  it('two tabs: a yes in one makes the calls the other tab holds arrive at the server without a reload', async () => {
    const first = await open();
    const second = await open();
    await banner(second);
    await idle(500);
    expect(hits('personalisation')).toBe(0);
    await (await banner(first)).getByRole('button', { name: 'Accept all' }).click();
    const pageviews = () => collected().filter((request) => request == 'analytics /collect/analytics/pageview').length;
    await until(() => hits('personalisation') == 2 && pageviews() == 2, 'both tabs’ held calls');
    await expect.poll(() => second.locator('#recommendations li').count()).toBe(3);
    expect(await second.getByRole('dialog').count()).toBe(0);
  });

  it('the browser’s "Clear site data" ends the yes in the open tab too: the banner asks again and the reading-time beats stop', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await until(() => collected().includes('analytics /collect/analytics/heartbeat'), 'a reading-time beat');
    // What the browser does for "Clear site data" or a Clear-Site-Data header: the connection is closed under the page.
    const cdp = await env.context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(env.server.url).origin, storageTypes: 'indexeddb' });
    await banner(page);
    expect(await page.evaluate(() => (window as unknown as { consent: { state(id: string): string } }).consent.state('analytics'))).toBe('undecided');
    const beats = hits('analytics');
    await idle(4500);
    expect(hits('analytics'), 'beats after the site data was cleared').toBe(beats);
  });

  it.each([
    ['missing (turned off)', () => Object.defineProperty(window, 'indexedDB', { value: undefined })],
    // As a private mode or a sandboxed frame refuses it.
    ['throwing on open', () => (IDBFactory.prototype.open = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); })],
    // As when another tab's connection blocks an upgrade: the request never answers (PRE-04: "blocked").
    ['never answering', () => (IDBFactory.prototype.open = () => ({}) as IDBOpenDBRequest)],
  ])('IndexedDB %s: nothing collected, the banner still works for the page view, no uncaught error (PRE-04)', async (_, fault) => {
    await env.context.addInitScript(fault);
    const page = await open();
    await idle();
    expect(collected()).toEqual([]);
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await until(() => hits('personalisation') == 1 && collected().includes('analytics /collect/analytics/pageview'), 'collection allowed for this page view', 10_000);
    // Leave first, so that a beacon still in flight from this page view is not taken for one of the next.
    await page.goto('about:blank');
    await idle(300);
    env.server.clearLog();
    await page.goto(env.server.url);
    // Nothing survives the reload: it is a first visit again, asked again and silent.
    await banner(page);
    await idle();
    expect(collected()).toEqual([]);
  });
});

/** Every record of every IndexedDB database of the page: database → store → [key, value][]. */
const databases = (page: Page) =>
  page.evaluate(async () => {
    const request = <T,>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error ?? new Error('IndexedDB')))));
    const all: Record<string, Record<string, [unknown, unknown][]>> = {};
    for (const { name } of await indexedDB.databases()) {
      const db = await request(indexedDB.open(name!));
      all[name!] = {};
      for (const store of db.objectStoreNames) {
        const s = db.transaction(store).objectStore(store);
        const [keys, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
        all[name!]![store] = keys.map((key, i) => [key, values[i]]);
      }
      db.close();
    }
    return all;
  });

const PURPOSES = ['analytics', 'personalisation', 'marketing', 'video', 'credit-scoring'];

/** The requests `context` makes, every one as the browser reports it: to other hosts too, which the harness aborts. */
const requestsOf = (context = env.context) => {
  const urls: string[] = [];
  context.on('request', (request) => void urls.push(request.url()));
  return urls;
};

/** Of `urls`, those a regulator would call collection: to any other host, or to the demo's collection paths. */
const collection = (urls: string[]) => {
  const site = new URL(env.server.url).origin;
  return urls.filter((url) => new URL(url).origin != site || /^\/(collect|trackers)\//.test(new URL(url).pathname));
};

/** Hints in the page that make the browser contact another host early: preconnect, dns-prefetch, prefetch, preload. */
const earlyHints = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLLinkElement>('link[rel~=preconnect i], link[rel~=dns-prefetch i], link[rel~=prefetch i], link[rel~=preload i], link[rel~=prerender i]')]
      .filter((link) => new URL(link.href, location.href).origin != location.origin)
      .map((link) => `${link.rel} ${link.href}`),
  );

describe('nothing but a deliberate act is a yes (PRE-05, PRE-01, PRE-03, CHO-05)', () => {
  it('waiting a minute, Enter and Space on load, scrolling three screens, clicking the page, the ×, leaving and coming back, Escape: no decision, no receipt, nothing sent to any host, and a require() made at load never resolves', async () => {
    await env.context.clock.install();
    const requests = requestsOf();
    // The page asks for analytics as it loads and would send at once on a yes (the row's own test page).
    const asking = `<script>window.required = 'pending';
      consent.require('analytics').then(() => { window.required = 'resolved'; fetch('https://stats.lantern.example/required', { mode: 'no-cors' }).catch(() => {}); }, (e) => { window.required = e.dismissed ? 'dismissed' : e.code || 'rejected'; });</script>`;
    await rewriteHome('<script src="/optin.global.js" defer></script>', `${asking}$&`);
    const page = await open();
    const required = () => page.evaluate(() => (window as unknown as { required: string }).required);
    const states = () => page.evaluate((ids) => ids.map((id) => (window as unknown as { consent: { state(id: string): string } }).consent.state(id)), PURPOSES);
    const dialog = await banner(page);
    expect(await earlyHints(page)).toEqual([]);

    // Enter and Space where focus lands, then a minute, then five more: nothing accepts, and the banner stays (A11Y-10).
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    await page.clock.runFor(60_000);
    await page.clock.fastForward(5 * 60_000);
    expect(await dialog.isVisible()).toBe(true);
    // Three screens of scrolling, and a click on the page beside the banner.
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 800);
    await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(0);
    await page.getByRole('article').first().getByRole('heading').click();
    expect(await dialog.isVisible()).toBe(true);
    expect(await states()).toEqual(PURPOSES.map(() => 'undecided'));
    expect(await required()).toBe('pending');

    // The ×: the banner goes for this page view, and it is no answer. The call that waited for it learns that it was
    // dismissed (README: ConsentDeniedError with dismissed: true), and nothing is recorded.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await states()).toEqual(PURPOSES.map(() => 'undecided'));
    expect(await required()).toBe('dismissed');

    // Leaving for the policy and coming back: asked again on both pages, and Escape on the banner answers nothing.
    await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy policy' }).click();
    await page.waitForURL(/\/privacy\.html/);
    await banner(page);
    expect(await earlyHints(page)).toEqual([]);
    await page.goBack();
    await banner(page);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.clock.runFor(5000);
    await idle(1000);

    expect(await states()).toEqual(PURPOSES.map(() => 'undecided'));
    expect(await required()).toBe('dismissed');
    for (const id of PURPOSES) expect(await stored(page, id), id).toBeUndefined();
    expect(env.server.receipts).toEqual([]);
    expect(collected()).toEqual([]);
    expect(collection(requests)).toEqual([]);
  });
});

describe('a new policy version asks again (GATE-04)', () => {
  it('after Accept all, the site publishes policy 2026-12: the next visit shows the banner, the old yes lets nothing through, and only a new yes does', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await until(() => hits('personalisation') == 1 && collected().includes('analytics /collect/analytics/pageview'), 'what Accept all allowed');
    await rewriteHome('"version": "2026-11"', '"version": "2026-12"');
    // Leave first, so that a beacon still in flight from this page view is not taken for one of the next.
    await page.goto('about:blank');
    await idle(300);
    env.server.clearLog();
    await page.goto(env.server.url);
    const again = await banner(page);
    await idle(2500);
    expect(collected()).toEqual([]);
    expect(await page.locator('#recommendations li').count()).toBe(0);
    expect(await page.evaluate((ids) => ids.map((id) => (window as unknown as { consent: { state(id: string): string } }).consent.state(id)), PURPOSES)).toEqual(PURPOSES.map(() => 'undecided'));
    // The yes of the older version is still the proof of what was allowed then; it is not carried over.
    expect(await stored(page, 'analytics')).toMatchObject({ granted: true, policy: '2026-11' });
    await again.getByRole('button', { name: 'Accept all' }).click();
    await until(() => hits('personalisation') == 1, 'the recommendations after the new yes');
    expect(await stored(page, 'analytics')).toMatchObject({ granted: true, policy: '2026-12' });
  });
});

describe('no nagging after Reject all (CHO-08, CHO-01)', () => {
  it('ten reloads, five moves between the pages and languages, and ten require() calls the page makes by itself open no dialog, not for a frame; "Privacy settings" then shows every switch off', async () => {
    // Counts every frame in which any dialog of Optin's is in the page, so that one shown and taken away is seen too.
    await env.context.addInitScript(() => {
      (window as unknown as { dialogFrames: number }).dialogFrames = 0;
      const look = () => {
        if (document.querySelector('optin-consent')?.shadowRoot?.querySelector('dialog[open], [role=dialog]')) (window as unknown as { dialogFrames: number }).dialogFrames++;
        requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await until(async () => ((await stored(page, 'analytics')) as { granted?: boolean } | undefined)?.granted === false, 'the stored no');
    const frames = () => page.evaluate(() => (window as unknown as { dialogFrames: number }).dialogFrames);
    const settled = () => page.getByRole('button', { name: /^(Privacy settings|隐私设置)$/ }).last().waitFor();
    const views: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.reload();
      await settled();
      await idle(300);
      views.push(`reload ${i + 1}: ${await frames()}`);
    }
    for (const path of ['/privacy.html', '/?lang=zh-CN', '/privacy.html?lang=zh-CN', '/?lang=en', '/']) {
      await page.goto(new URL(path, env.server.url).href);
      await settled();
      await idle(300);
      views.push(`${path}: ${await frames()}`);
    }
    // The page's own calls, not the person's: a refused purpose is answered at once, without asking again.
    const answers = await page.evaluate(() => {
      const consent = (window as unknown as { consent: { require(id: string): Promise<unknown> } }).consent;
      const calls = ['analytics', 'personalisation', 'marketing', 'video', 'credit-scoring'].flatMap((id) => [id, id]);
      return Promise.all(calls.map((id) => consent.require(id).then(() => 'granted', (e: { code?: string; dismissed?: boolean }) => `${e.code}${e.dismissed ? ' dismissed' : ''}`)));
    });
    expect(answers).toEqual(Array(10).fill('denied'));
    await idle(500);
    views.push(`require: ${await frames()}`);
    expect(views.filter((view) => !view.endsWith(': 0'))).toEqual([]);
    expect(collected()).toEqual([]);

    // Opened by the person, the preferences show the no as it is: every switch off (CHO-01).
    await page.getByRole('button', { name: 'Privacy settings' }).last().click();
    const switches = page.getByRole('dialog', { name: 'Privacy settings' }).getByRole('switch');
    expect(await switches.count()).toBe(5);
    expect(await switches.evaluateAll((all) => all.map((s) => s.getAttribute('aria-checked')))).toEqual(Array(5).fill('false'));
    // The counter sees a dialog when there is one (else the zeros above would prove nothing).
    await until(async () => (await frames()) > 0, 'the preferences counted');
  });
});

describe('one recipient at a time (SEP-05, SEP-06)', () => {
  it('with the network guard on the ad partner’s and the video company’s hosts, Accept all opens neither, and a yes to the video opens StreamBox’s host only, not AdNet’s', async () => {
    // The two transfers abroad declare their recipients' hosts (the demo's config names only their contacts).
    await rewriteHome(/("contact": "privacy@([a-z]+\.example)" \}\],)/g, '$1 "hosts": ["$2"],');
    const requests = requestsOf();
    const page = await open();
    const reached = (host: string) => requests.filter((url) => new URL(url).hostname == host).length;
    /** A careless snippet that skips the gate: a fetch and a pixel to each recipient's host. */
    const snippet = () =>
      page.evaluate(() => {
        for (const host of ['adnet.example', 'streambox.example']) {
          void fetch(`https://${host}/fetch`, { mode: 'no-cors' }).catch(() => undefined);
          new Image().src = `https://${host}/pixel`;
        }
      });
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await until(() => hits('personalisation') == 1, 'what Accept all allowed');
    await snippet();
    await idle(1000);
    expect([reached('adnet.example'), reached('streambox.example')]).toEqual([0, 0]);

    await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).click();
    await page.getByRole('dialog', { name: 'Allow Embedded video?' }).getByRole('button', { name: 'Allow Embedded video' }).click();
    await until(() => hits('video') == 1, 'the video player, after its own yes');
    await snippet();
    await until(() => reached('streambox.example') == 2, 'the fetch and the pixel to StreamBox, after the yes to the video');
    await idle(1000);
    expect(reached('adnet.example')).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { consent: { state(id: string): string } }).consent.state('marketing'))).toBe('undecided');
  });
});

describe('a separate consent is withdrawn as easily as it was given (WDR-02, WDR-03, WDR-04)', () => {
  it('credit scoring, given in two clicks (the page’s button, Allow), is withdrawn in two ("Privacy settings", its switch): no further score request, a receipt naming it, and the next check asks again', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await until(() => env.server.receipts.length == 1, 'the Reject all receipt');
    let given = 0;
    await page.getByRole('button', { name: 'Check my credit score' }).click();
    given++;
    await page.getByRole('dialog', { name: 'Allow Credit scoring?' }).getByRole('button', { name: 'Allow Credit scoring' }).click();
    given++;
    await until(() => hits('credit-scoring') == 1, 'the score request after Allow');

    let withdrawn = 0;
    await page.locator('optin-consent').getByRole('button', { name: 'Privacy settings' }).click();
    withdrawn++;
    const preferences = page.getByRole('dialog', { name: 'Privacy settings' });
    expect(await preferences.getByRole('switch', { name: 'Credit scoring' }).getAttribute('aria-checked')).toBe('true');
    await preferences.getByRole('switch', { name: 'Credit scoring' }).click();
    withdrawn++;
    // No "are you sure?": the switch's one click is the whole withdrawal, in force at once and stored.
    expect(await page.getByRole('dialog').count()).toBe(1);
    await until(async () => ((await stored(page, 'credit-scoring')) as { granted?: boolean } | undefined)?.granted === false, 'the stored withdrawal');
    expect(withdrawn).toBeLessThanOrEqual(given);
    await until(() => env.server.receipts.length == 3, 'the withdrawal receipt at /consent-receipts');
    expect(env.server.receipts[2]).toMatchObject({ method: 'preferences', choices: { 'credit-scoring': false }, withdrawn: ['credit-scoring'] });

    // The page's own call for the purpose is refused now; a new click of the person's asks again, and sends nothing.
    await page.keyboard.press('Escape');
    const answer = await page.evaluate(() => (window as unknown as { consent: { require(id: string): Promise<unknown> } }).consent.require('credit-scoring').then(() => 'granted', (e: { code?: string }) => e.code));
    expect(answer).toBe('denied');
    await page.getByRole('button', { name: 'Check my credit score' }).click();
    await page.getByRole('dialog', { name: 'Allow Credit scoring?' }).getByRole('button', { name: 'Don’t allow' }).click();
    await idle(500);
    expect(hits('credit-scoring')).toBe(1);
  });
});

describe('proof of the wording of each layer (REC-01, SEP-07)', () => {
  it('the credit-scoring prompt and "Privacy settings": each decision keeps the SHA-256 of the text of the dialog it was made in, as rendered at that moment', async () => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await page.getByRole('button', { name: 'Check my credit score' }).click();
    const prompt = page.getByRole('dialog', { name: 'Allow Credit scoring?' });
    await prompt.waitFor();
    const promptHash = await renderedHash(prompt);
    await prompt.getByRole('button', { name: 'Allow Credit scoring' }).click();
    await until(async () => ((await stored(page, 'credit-scoring')) as { granted?: boolean } | undefined)?.granted === true, 'the stored yes to credit scoring');
    expect(await stored(page, 'credit-scoring')).toMatchObject({ method: 'prompt', action: 'allow', textHash: promptHash });

    await page.locator('optin-consent').getByRole('button', { name: 'Privacy settings' }).click();
    const preferences = page.getByRole('dialog', { name: 'Privacy settings' });
    await preferences.getByRole('switch', { name: 'Analytics' }).click();
    const preferencesHash = await renderedHash(preferences);
    await preferences.getByRole('button', { name: 'Save choices' }).click();
    await until(async () => ((await stored(page, 'analytics')) as { granted?: boolean } | undefined)?.granted === true, 'the stored yes to analytics');
    expect(await stored(page, 'analytics')).toMatchObject({ method: 'preferences', action: 'save', textHash: preferencesHash });
    // The receipts at the site's endpoint carry the same hashes.
    await until(() => env.server.receipts.length == 3, 'the three receipts');
    expect(env.server.receipts.slice(1)).toMatchObject([{ textHash: promptHash }, { textHash: preferencesHash }]);
  });
});

describe('a stored yes Optin did not write counts for nothing (PRE-04)', () => {
  it.each([
    ['a bare yes', () => ({ granted: true })],
    ['a yes from a newer schema', (real: object) => ({ ...real, v: 2 })],
    ['a yes to another wording of the purpose', (real: object) => ({ ...real, hash: 'f'.repeat(64) })],
  ])('after Accept all, %s written over the stored yes to analytics: the next visit asks again and collects nothing for analytics', async (_, forge) => {
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await until(async () => ((await stored(page, 'analytics')) as { granted?: boolean } | undefined)?.granted === true, 'the stored yes');
    const forged = forge((await stored(page, 'analytics')) as object);
    await page.evaluate(
      (value) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('optin');
          open.onerror = () => reject(open.error ?? new Error('open failed'));
          open.onsuccess = () => {
            const tx = open.result.transaction('keyval', 'readwrite');
            tx.objectStore('keyval').put(value, ['d', 'analytics']);
            tx.oncomplete = () => (open.result.close(), resolve());
            tx.onerror = () => reject(tx.error ?? new Error('put failed'));
          };
        }),
      forged,
    );
    await page.goto('about:blank');
    await idle(300);
    env.server.clearLog();
    await page.goto(env.server.url);
    await banner(page);
    expect(await page.evaluate(() => (window as unknown as { consent: { state(id: string): string } }).consent.state('analytics'))).toBe('undecided');
    // The stored yes to recommendations, which nobody touched, still holds.
    await until(() => hits('personalisation') == 1, 'the recommendations, still allowed');
    await idle(2500);
    expect(hits('analytics')).toBe(0);
  });
});

describe('device storage before a choice (PRE-02)', () => {
  it('a first visit left idle with the banner open writes no cookie, no storage key, no cache or worker, and no IndexedDB record', async () => {
    const page = await open();
    await banner(page);
    await idle(3000);
    expect(await env.context.cookies()).toEqual([]);
    const written = await page.evaluate(async () => ({
      local: Object.keys(localStorage),
      session: Object.keys(sessionStorage),
      caches: await caches.keys(),
      workers: (await navigator.serviceWorker.getRegistrations()).length,
    }));
    expect(written).toEqual({ local: [], session: [], caches: [], workers: 0 });
    // Optin's own database may exist (reading the stored decisions opens it), but holds nothing.
    const stored = await databases(page);
    expect(Object.keys(stored).filter((name) => name != 'optin')).toEqual([]);
    expect(Object.values(stored).flatMap((stores) => Object.values(stores).flat())).toEqual([]);
    // What a choice stores, once made, is the choice and its proof (preference storage is essential).
    await page.getByRole('button', { name: 'Reject all' }).click();
    await until(async () => Object.values((await databases(page)).optin ?? {}).flat().length > 0, 'the stored choice');
  });
});

describe('Global Privacy Control (GPC-04)', () => {
  for (const [answer, before] of [['Accept all', 'Accept all, and Advertising allowed in its own prompt'], ['Reject all', 'Reject all']] as const) {
    it(`a returning visitor who answered (${before}) and now sends the signal meets no dialog and no form`, async () => {
      const page = await open();
      await (await banner(page)).getByRole('button', { name: answer }).click();
      if (answer == 'Accept all') {
        await page.getByRole('button', { name: 'Privacy settings' }).last().click();
        await page.getByRole('switch', { name: 'Advertising' }).click();
        await page.getByRole('button', { name: 'Allow Advertising' }).click();
        await page.keyboard.press('Escape');
      }
      await until(async () => (await stored(page, 'marketing')) !== undefined && (await stored(page, 'analytics')) !== undefined, 'the stored answers');
      // The next visit sends Global Privacy Control: the property and the Sec-GPC header.
      await env.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }));
      await env.context.setExtraHTTPHeaders({ 'Sec-GPC': '1' });
      await page.reload();
      await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
      await until(async () => ((await stored(page, 'marketing')) as { method?: string } | undefined)?.method == 'signal', 'the signal honoured: Advertising denied by it');
      await idle(1500);
      expect(await page.evaluate(() => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true);
      expect(await page.getByRole('dialog').count()).toBe(0);
      const shown = await page.evaluate(() => {
        const root = document.querySelector('optin-consent')!.shadowRoot!;
        const all = [...document.querySelectorAll('*'), ...root.querySelectorAll('*')];
        return all.filter((el) => el.matches('dialog[open], [role=dialog], [role=alertdialog], form, input, select, textarea')).map((el) => el.localName);
      });
      expect(shown).toEqual([]);
    });
  }
});

describe('minimal proof (REC-03)', () => {
  it('on a whole visit, under Global Privacy Control, receipts and stored records hold only their own fields, and Optin calls no fingerprinting API', async () => {
    // Every API commonly used to fingerprint a browser, wrapped so that each call records who made it.
    await env.context.addInitScript(() => {
      const calls: string[] = [];
      (window as unknown as { fingerprinting: string[] }).fingerprinting = calls;
      const note = (what: string) => calls.push(`${what} ${new Error().stack!.split('\n').slice(2).join(' ')}`);
      const wrap = (owner: object | undefined, names: string[], label: string) => {
        for (const name of names) {
          const descriptor = owner && Object.getOwnPropertyDescriptor(owner, name);
          if (!descriptor) continue;
          if (descriptor.get) {
            const get = descriptor.get;
            Object.defineProperty(owner, name, { ...descriptor, get() { note(`${label}.${name}`); return get.call(this); } });
          } else if (typeof descriptor.value == 'function') {
            const fn = descriptor.value as (...args: unknown[]) => unknown;
            const wrapped = new Proxy(fn, {
              apply: (target, self, args) => (note(`${label}.${name}()`), Reflect.apply(target, self, args)),
              construct: (target, args, newTarget) => (note(`new ${label}.${name}`), Reflect.construct(target, args, newTarget) as object),
            });
            Object.defineProperty(owner, name, { ...descriptor, value: wrapped });
          }
        }
      };
      wrap(HTMLCanvasElement.prototype, ['getContext', 'toDataURL', 'toBlob'], 'canvas');
      wrap(OffscreenCanvas.prototype, ['getContext', 'convertToBlob'], 'OffscreenCanvas');
      wrap(CanvasRenderingContext2D.prototype, ['getImageData', 'measureText', 'isPointInPath'], 'canvas2d');
      wrap(WebGLRenderingContext.prototype, ['getParameter', 'getExtension', 'getSupportedExtensions'], 'webgl');
      wrap(WebGL2RenderingContext.prototype, ['getParameter', 'getExtension', 'getSupportedExtensions'], 'webgl2');
      wrap(window, ['AudioContext', 'OfflineAudioContext', 'RTCPeerConnection', 'devicePixelRatio'], 'window');
      wrap(FontFaceSet.prototype, ['check', 'load'], 'fonts');
      wrap(Navigator.prototype, ['userAgent', 'userAgentData', 'platform', 'plugins', 'mimeTypes', 'hardwareConcurrency', 'deviceMemory', 'connection', 'getBattery', 'vendor', 'maxTouchPoints'], 'navigator');
      wrap(MediaDevices.prototype, ['enumerateDevices'], 'mediaDevices');
      wrap(Screen.prototype, ['width', 'height', 'availWidth', 'availHeight', 'colorDepth', 'pixelDepth'], 'screen');
      wrap(Intl.DateTimeFormat.prototype, ['resolvedOptions'], 'Intl.DateTimeFormat');
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
    });
    const page = await open();
    await (await banner(page)).getByRole('button', { name: 'Accept all' }).click();
    await page.getByRole('button', { name: 'Privacy settings' }).last().click();
    await page.getByRole('switch', { name: 'Analytics' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Check my credit score' }).click();
    await page.getByRole('button', { name: 'Allow Credit scoring' }).click();
    await until(() => env.server.receipts.length == 4, 'the receipts of the signal, Accept all, the withdrawal and the prompt');
    await page.reload();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();

    const ids = ['analytics', 'personalisation', 'marketing', 'video', 'credit-scoring'];
    // textHash: the hash of the notice text every visitor is shown, no identifier (REC-01); action: the button used.
    const fields = ['seq', 'at', 'expires', 'policy', 'method', 'locale', 'choices', 'hashes', 'textHash', 'action', 'gpc', 'withdrawn', 'sdk', 'prev'];
    const { receipts, hashes } = await page.evaluate(async (ids) => {
      const consent = (window as unknown as { consent: { receipts(): Promise<unknown[]>; disclosureHash(id: string, locale: string): Promise<string> } }).consent;
      return { receipts: await consent.receipts(), hashes: Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await consent.disclosureHash(id, 'en')]))) as Record<string, string> };
    }, ids);
    // What the site's endpoint got is the local log, entry for entry.
    expect(env.server.receipts).toEqual(receipts);
    expect(receipts.map((r) => (r as { method: string }).method)).toEqual(['signal', 'banner', 'preferences', 'prompt']);
    for (const receipt of receipts as Record<string, unknown>[]) {
      expect(Object.keys(receipt).filter((key) => !fields.includes(key))).toEqual([]);
      expect(receipt).toMatchObject({ policy: '2026-11', locale: 'en', gpc: true, sdk: expect.stringMatching(/^\d+\.\d+\.\d+$/) as string, prev: expect.stringMatching(/^([0-9a-f]{64})?$/) as string });
      const { choices, hashes: shown } = receipt as { choices: Record<string, boolean>; hashes: Record<string, string> };
      // Only purpose ids as keys; the hashes are of the disclosure text, the same for every visitor.
      expect(Object.keys(choices).filter((id) => !ids.includes(id))).toEqual([]);
      expect(shown).toEqual(Object.fromEntries(Object.keys(choices).map((id) => [id, hashes[id]])));
    }
    // In IndexedDB: decisions, receipts and the chain's head, each with its own fields only.
    const record = ['v', 'purpose', 'granted', 'at', 'expires', 'policy', 'hash', 'locale', 'method', 'textHash', 'action', 'gpc', 'optOut'];
    const entries = (await databases(page)).optin!.keyval!;
    for (const [key, value] of entries) {
      const [kind, id] = Array.isArray(key) ? (key as [string, unknown]) : [key, undefined];
      const allowed = kind == 'd' ? record : kind == 'r' ? fields : kind == 'h' ? ['seq', 'hash'] : [];
      expect(Object.keys(value as object).filter((field) => !allowed.includes(field)), JSON.stringify(key)).toEqual([]);
      if (kind == 'd') expect(ids).toContain(id);
    }
    expect(new Set(entries.map(([key]) => (Array.isArray(key) ? key[0] : key)))).toEqual(new Set(['d', 'r', 'h']));
    expect(await env.context.cookies()).toEqual([]);

    // The wrappers work (a call made here is seen), and none of the calls seen came from Optin.
    const calls = await page.evaluate(() => {
      void screen.width;
      document.createElement('canvas').toDataURL();
      return (window as unknown as { fingerprinting: string[] }).fingerprinting;
    });
    expect(calls.map((call) => call.split(' ')[0])).toEqual(expect.arrayContaining(['screen.width', 'canvas.toDataURL()']));
    expect(calls.filter((call) => call.includes('/optin.global.js')).map((call) => call.split(' ')[0])).toEqual([]);
  });
});

describe('a no costs no service (CHO-07, CHO-10)', () => {
  it('after Reject all the page stays where it was and all of it is usable: no wall, no redirect; what needs the data says why it is not there (CHO-07)', async () => {
    const page = await open();
    const address = page.url();
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(page.url()).toBe(address);
    // Nine points over the window: each shows the page's own content, not an overlay of Optin's.
    const hitsAt = () =>
      page.evaluate(() =>
        [1, 3, 5].flatMap((i) => [1, 3, 5].map((j) => document.elementFromPoint((innerWidth * i) / 6, (innerHeight * j) / 6)?.closest('optin-consent, main, header, footer')?.localName ?? 'nothing')),
      );
    expect(await hitsAt()).not.toContain('optin-consent');
    expect(await hitsAt()).not.toContain('nothing');
    expect(await page.evaluate(() => document.querySelector('main')!.inert || document.querySelector('main')!.closest('[aria-hidden=true]') != null)).toBe(false);
    // The core journey: the stories scroll and read, the other language and the policy open.
    await page.mouse.wheel(0, 600);
    await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(0);
    expect(await hitsAt()).not.toContain('optin-consent');
    await expect.poll(() => page.getByRole('article').count()).toBe(3);
    for (const story of await page.getByRole('article').all()) expect(await story.isVisible()).toBe(true);
    // Features that need the data say so in place, instead of failing silently or asking again.
    expect(await page.locator('#recommendations').textContent()).toContain('Recommendations appear once you allow personalisation.');
    expect(await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Check my credit score' }).click();
    await page.getByRole('dialog', { name: 'Allow Credit scoring?' }).getByRole('button', { name: 'Don’t allow' }).click();
    await expect.poll(() => page.locator('#credit-result').textContent()).toBe('No score checked: you did not allow credit scoring.');
    await page.getByRole('link', { name: '简体中文' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).not.toBe('Today’s stories');
    await page.getByRole('contentinfo').getByRole('link', { name: /隐私政策|Privacy policy/ }).click();
    await page.waitForURL(/\/privacy\.html/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(collected()).toEqual([]);
  });

  it('personalised recommendations are off until a yes, the same stories show without them, and switching them off takes two actions from "Privacy settings" and ends them at once (CHO-10)', async () => {
    const page = await open();
    const dialog = await banner(page);
    // Before any answer: the stories for everyone, no list from reading history, nothing asked of the server.
    expect(await page.getByRole('article').count()).toBe(3);
    expect(await page.locator('#recommendations').textContent()).toContain('Recommendations appear once you allow personalisation.');
    expect(hits('personalisation')).toBe(0);
    await dialog.getByRole('button', { name: 'Accept all' }).click();
    await expect.poll(() => page.locator('#recommendations li').count()).toBe(3);
    let actions = 0;
    await page.getByRole('button', { name: 'Privacy settings' }).last().click();
    actions++;
    const preferences = page.getByRole('dialog', { name: 'Privacy settings' });
    await preferences.getByRole('switch', { name: 'Personalised recommendations' }).click();
    actions++;
    await until(async () => ((await stored(page, 'personalisation')) as { granted?: boolean } | undefined)?.granted === false, 'the stored no to personalisation');
    expect(actions).toBe(2);
    await page.keyboard.press('Escape');
    // The non-personalised page is what shows now: the stories for everyone, and no list drawn from reading history.
    await expect.poll(() => page.locator('#recommendations li').count()).toBe(0);
    expect(await page.locator('#recommendations').textContent()).toContain('Recommendations appear once you allow personalisation.');
    expect(await page.getByRole('article').count()).toBe(3);
    const asked = hits('personalisation');
    await page.reload();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    await idle(1000);
    expect(await page.locator('#recommendations li').count()).toBe(0);
    expect(await page.getByRole('article').count()).toBe(3);
    expect(hits('personalisation')).toBe(asked);
  });
});

describe('the strictly necessary set is honest (PRE-07)', () => {
  it('"Essential" is the only purpose on without a switch, names no recipient, and after Reject all only the site itself is reached and only Optin’s own records are kept (PRE-07)', async () => {
    const requests = requestsOf();
    const page = await open();
    const dialog = await banner(page);
    await dialog.getByRole('button', { name: 'Customize' }).click();
    const preferences = page.getByRole('dialog', { name: 'Privacy settings' });
    const sections = await preferences.locator('li.purpose').evaluateAll((items) =>
      items.map((li) => ({ title: li.querySelector('h3')!.textContent, switch: !!li.querySelector('[role=switch]'), text: (li as HTMLElement).innerText })),
    );
    const locked = sections.filter((s) => !s.switch);
    expect(locked.map((s) => s.title)).toEqual(['Essential']);
    // No vendor is listed under it: the recipients the config names elsewhere are absent, and none is "shared with".
    expect(locked[0]!.text).not.toMatch(/Shared with|Lantern Analytics|AdNet|StreamBox|Lumen/);
    // Every other purpose waits for consent: none rests on "legitimate interest", in any layer.
    expect(sections.filter((s) => s.switch)).toHaveLength(5);
    expect(await page.locator('optin-consent').evaluate((host) => host.shadowRoot!.textContent)).not.toMatch(/legitimate interest/i);
    await preferences.getByRole('button', { name: 'Reject all' }).click();
    await until(async () => (await stored(page, 'analytics')) !== undefined, 'the stored no');
    await page.mouse.wheel(0, 800);
    await idle(3000);
    await page.reload();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    await idle(1000);
    expect(collection(requests)).toEqual([]);
    expect(collected()).toEqual([]);
    // Kept on the device: the choice and its proof only (preference storage is essential), no cookie.
    expect(await env.context.cookies()).toEqual([]);
    expect((await page.evaluate(() => Object.keys(localStorage))).filter((key) => !key.startsWith('optin:'))).toEqual([]);
    expect(Object.keys(await databases(page))).toEqual(['optin']);
  });
});

describe('the privacy policy (INF-04)', () => {
  it('is one click from the banner, two from the page once it is answered (also in the prompt and the footer), answers 200 and is a page that can be saved as it is (INF-04)', async () => {
    const page = await open();
    const link = (await banner(page)).getByRole('link', { name: 'Privacy policy' });
    const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname == '/privacy.html'), link.click()]);
    expect(response.status()).toBe(200);
    // The response's headers come before the page is parsed: read the heading once the policy page has loaded.
    await page.waitForURL(/\/privacy\.html/);
    expect(await page.getByRole('heading', { name: 'Privacy policy', level: 1 }).isVisible()).toBe(true);
    // Answered on the policy page itself, back on the news page: "Privacy settings", then the link.
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await page.goto(new URL('/', env.server.url).href);
    await page.getByRole('button', { name: 'Privacy settings' }).last().click();
    await page.getByRole('dialog', { name: 'Privacy settings' }).getByRole('link', { name: 'Privacy policy' }).click();
    await page.waitForURL(/\/privacy\.html/);
    expect(await page.getByRole('heading', { name: 'Privacy policy', level: 1 }).isVisible()).toBe(true);
    await page.goto(new URL('/', env.server.url).href);
    await page.getByRole('button', { name: 'Check my credit score' }).click();
    expect(await page.getByRole('dialog', { name: 'Allow Credit scoring?' }).getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe('/privacy.html');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe('/privacy.html');
    // Saved as a file, with no script run, it still holds the whole policy: who decides, each purpose, each recipient.
    for (const url of ['/privacy.html', '/privacy.html?lang=zh-CN']) {
      const file = await page.request.get(new URL(url, env.server.url).href);
      expect(file.status(), url).toBe(200);
      expect(file.headers()['content-type'], url).toMatch(/^text\/html/);
      const text = await file.text();
      for (const words of ['Daily Lantern Ltd.', 'Lumen Credit', 'AdNet Asia', 'StreamBox', '灯笼日报有限公司', 'Lumen 征信机构']) expect(text, `${url}: ${words}`).toContain(words);
    }
  });
});

describe('the README’s script-tag snippet, pasted as written', () => {
  it('blocks its declared tag and embed until a yes, then loads them, and its button asks for credit scoring alone', async () => {
    const snippet = /```html\n([\s\S]*?)```/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'))![1]!;
    // What the snippet takes from the site around it: the two functions its button calls.
    const site = '<script>window.startScoring = () => (window.scored = true); window.showNotice = () => undefined;</script>';
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Site</title></head><body>${snippet}${site}</body></html>`;
    await env.context.route((url) => url.pathname == '/readme-snippet.html', (route) => route.fulfill({ contentType: 'text/html', body }));
    const requested: string[] = [];
    env.context.on('request', (request) => void (/\.example\//.test(request.url()) && requested.push(request.url())));
    const page = await open('/readme-snippet.html');
    const dialog = await banner(page);
    expect(await dialog.innerText()).toMatch(/for: Analytics, Video player\.[\s\S]*never part of “Accept all”: Credit scoring\./);
    await idle(500);
    expect(requested).toEqual([]);
    expect(await page.locator('iframe').getAttribute('src')).toBeNull();

    await dialog.getByRole('button', { name: 'Accept all' }).click();
    await until(() => requested.length == 2, 'the declared tag and the embed, once allowed');
    expect(requested.sort()).toEqual(['https://stats.example/tag.js', 'https://video.example/embed/1']);

    await page.getByRole('button', { name: 'Check my credit score' }).click();
    await page.getByRole('dialog', { name: 'Allow Credit scoring?' }).getByRole('button', { name: 'Allow Credit scoring' }).click();
    await until(() => page.evaluate(() => (window as unknown as { scored?: boolean }).scored === true), 'startScoring, after the yes');
  });
});

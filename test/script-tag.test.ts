// The script-tag build: the built files (dist/, from `npm run build`) run as a page runs them, and the source with
// the dialogs mocked for what the page cannot show (mount options, a failing mount, a page still loading).
// Scripts run in this file's page (happy-dom runs none unless told to):
// @vitest-environment-options {"settings":{"enableJavaScriptEvaluation":true,"suppressInsecureJavaScriptEnvironmentWarning":true}}
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConsent, type Consent, type ConsentConfigError } from '../src/index.js';
import type { Stub } from '../widgets/stub.js';
import { config, documentMember, settle } from './fixtures.js';

const mountDialogs = vi.hoisted(() => vi.fn((_consent: unknown, _options?: unknown) => () => undefined));
vi.mock('../widgets/index.js', () => ({ mountDialogs }));

const MARK = Symbol.for('optin');
const STUB = Symbol.for('optinq');
const win = window as unknown as { consent?: Stub | Consent; [MARK]?: true; [STUB]?: Stub; dataLayer?: unknown[]; gtag?: unknown; seen?: string[] };
const files: { stub: string; global: string } = { stub: '', global: '' };

beforeAll(() => {
  for (const [key, name] of [['stub', 'optin-stub.js'], ['global', 'optin.global.js']] as const) {
    try {
      // A path, not `new URL(…)`: in happy-dom, URL is the page's, which knows no file: URLs.
      files[key] = readFileSync(join(fileURLToPath(import.meta.url), '../../dist', name), 'utf8');
    } catch (cause) {
      throw new Error(`dist/${name} is missing: run \`npx rollup -c\` (or \`npm run build\`) before these tests.`, { cause });
    }
  }
});

afterEach(async () => {
  // Earlier instances keep running in this window: leave none of their purposes granted.
  // Settled while mocks still stand: an instance that delivers receipts posts this withdrawal's one to the mock.
  if (win.consent && !('q' in win.consent)) await win.consent.withdraw().then(() => settle());
  delete win.consent;
  delete win[MARK];
  delete win[STUB];
  delete win.dataLayer;
  delete win.gtag;
  delete win.seen;
  document.head.innerHTML = document.body.innerHTML = '';
  vi.restoreAllMocks();
  mountDialogs.mockReset();
});

/** Runs code as an inline script of the page, with `attributes` on its tag. */
const run = (code: string, attributes: Record<string, string> = {}) => {
  const script = document.createElement('script');
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  script.textContent = code;
  document.head.append(script);
};
const configTag = (text: string) => document.body.insertAdjacentHTML('beforeend', `<script type="application/json" id="optin-config">${text}</script>`);
const real = () => win.consent as Consent;
const stubbed = () => {
  run(files.stub);
  return win.consent as Stub;
};
const quiet = (method: 'warn' | 'error') => vi.spyOn(console, method).mockImplementation(() => undefined);
/** The rejection reason of `promise`, caught at once: a rejection nobody handles yet fails the run. */
const reason = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as ConsentConfigError);
const logged = (spy: ReturnType<typeof quiet>) => spy.mock.calls.map((args) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')).join('\n');

describe('the built files', () => {
  it('loaded twice, makes one instance that replaces the stub and replays its queue in order', async () => {
    const cfg = config();
    configTag(JSON.stringify(cfg));
    const stub = stubbed();
    const sent: unknown[] = [];
    const send = stub.gate('analytics', (x: unknown) => sent.push(x));
    send(1);
    const decided = stub.decide({ analytics: true });
    send(2);
    const required = stub.require('analytics');
    const withdrawn = stub.withdraw('analytics');
    send(3);
    const typo = reason(stub.require('credit-scorng'));
    const open = vi.spyOn(indexedDB, 'open');
    const warn = quiet('warn');
    run(files.global);
    run(files.global);
    await settle();

    expect(real()).not.toBe(stub);
    expect(real()).not.toHaveProperty('q');
    expect((real() as unknown as Record<symbol, unknown>)[MARK]).toBe(true);
    expect(open.mock.calls.filter(([name]) => name == cfg.storageName)).toHaveLength(1);
    expect(logged(warn)).toMatch(/already on this page/);
    // Held until the yes, then sent; after the withdrawal, dropped: so the calls were replayed in order.
    expect(sent).toEqual([1, 2]);
    await expect(Promise.all([decided, required, withdrawn])).resolves.toEqual([undefined, undefined, undefined]);
    expect(real().state('analytics')).toBe('denied');
    expect(await typo).toMatchObject({ code: 'config', message: expect.stringContaining('did you mean "credit-scoring"') });
    expect(stub.q).toHaveLength(0);
  });

  // Two tags, the second added for another config (a plugin's): the console said only that it did nothing.
  it('a second copy with its own data-config: the console says it reads no config, and to keep one tag', async () => {
    configTag(JSON.stringify(config()));
    const warn = quiet('warn');
    run(files.global);
    run(files.global, { 'data-config': '/shop-optin.json' });
    await settle();
    expect(logged(warn)).toBe('Optin is already on this page: this second copy does nothing and reads no config of its own. Keep one Optin script tag, with the config you mean.');
  });

  // Another script's queue by that name (its own stub pattern) is not Optin's: replayed, its entries threw inside a
  // promise with no handler, an uncaught rejection in the page, and the other script lost its queue.
  it('leaves alone a queue that another script put on window.consent', async () => {
    configTag(JSON.stringify(config()));
    const foreign = { q: [['init', { site: 1 }], ['track', 'page']] };
    win.consent = foreign as unknown as Stub;
    run(files.global);
    await settle();
    expect(real()).not.toBe(foreign);
    expect(foreign.q).toEqual([['init', { site: 1 }], ['track', 'page']]);
  });

  describe('window.consent taken by another script', () => {
    const uncaught: unknown[] = [];
    const record = (event: ErrorEvent) => uncaught.push(event.error ?? event.message);
    afterEach(() => {
      window.removeEventListener('error', record);
      uncaught.length = 0;
      // The read-only one: the instance behind it decided nothing, so there is nothing to withdraw.
      if (Object.getOwnPropertyDescriptor(window, 'consent')?.writable === false) delete win.consent;
    });

    it('read-only: the stub and the tag throw nothing into the page, grant nothing, and warn naming the fix', async () => {
      configTag(JSON.stringify(config()));
      const theirs = { version: 1 };
      Object.defineProperty(window, 'consent', { value: theirs, writable: false, configurable: true });
      window.addEventListener('error', record);
      const [warn, error] = [quiet('warn'), quiet('error')];
      run(files.stub);
      run(files.global);
      await settle();
      expect(uncaught).toEqual([]);
      expect(win.consent).toBe(theirs);
      expect(logged(error)).toBe('');
      expect(logged(warn)).toMatch(/another script took window\.consent: .*Rename that script's global/);
    });

    // A tag manager that sets its own `consent` between the stub and the tag: the page's calls made before it did
    // were lost, their require() waited for ever.
    it('replaced after the stub: the calls it queued are still answered, and the tag warns naming the fix', async () => {
      configTag(JSON.stringify(config()));
      const stub = stubbed();
      const sent = vi.fn();
      stub.gate('analytics', sent)('early');
      const answers: string[] = [];
      void stub.require('analytics').then(() => answers.push('granted'));
      void stub.require('analytcs').catch((error: ConsentConfigError) => answers.push(error.code));
      win.consent = { version: 2 } as unknown as Stub;
      const warn = quiet('warn');
      run(files.global);
      await settle();
      await real().decide({ analytics: true });
      await settle();
      expect(answers).toEqual(['config', 'granted']);
      expect(sent.mock.calls).toEqual([['early']]);
      expect(logged(warn)).toMatch(/another script took window\.consent: .*Rename that script's global/);
    });
  });

  it('forwards calls made later through a kept reference to the stub', async () => {
    configTag(JSON.stringify(config()));
    const stub = stubbed();
    run(files.global);
    await settle();
    await stub.decide({ marketing: true });
    expect(real().has('marketing')).toBe(true);
    const track = vi.fn();
    const send = stub.gate('marketing', track);
    send('now');
    expect(track).toHaveBeenCalledExactlyOnceWith('now');
    expect(stub.q).toHaveLength(0);
  });

  it('works without the stub, reading the config file named by data-config on its own tag', async () => {
    const cfg = config();
    const fetch = vi.spyOn(window, 'fetch').mockResolvedValue(new Response(JSON.stringify(cfg), { headers: { 'content-type': 'application/json' } }));
    run(files.global, { 'data-config': '/optin.json' });
    await settle();
    expect(fetch).toHaveBeenCalledWith('/optin.json', { credentials: 'same-origin' });
    expect(real().config.storageName).toBe(cfg.storageName);
  });

  // The README: "a path or URL of this site". A path relative to the page is one; it resolves as fetch resolves it.
  it.each(['optin.json', './config/optin.json'])('reads a data-config path relative to the page: %s', async (url) => {
    const cfg = config();
    const fetch = vi.spyOn(window, 'fetch').mockResolvedValue(new Response(JSON.stringify(cfg), { headers: { 'content-type': 'application/json' } }));
    run(files.global, { 'data-config': url });
    await settle();
    expect(fetch).toHaveBeenCalledWith(url, { credentials: 'same-origin' });
    expect(real().config.storageName).toBe(cfg.storageName);
  });

  it('mirrors events on window as consent:change, already for the decisions it loads', async () => {
    const cfg = config();
    await createConsent(cfg).decide({ analytics: true });
    const seen: [string[], boolean][] = [];
    const listener = (event: Event) => seen.push([(event as CustomEvent<{ changed: string[] }>).detail.changed, real().has('analytics')]);
    window.addEventListener('consent:change', listener);
    configTag(JSON.stringify(cfg));
    run(files.global);
    // The stored yes arrives after one IndexedDB read, whose time depends on the machine's load.
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(0));
    await settle();
    window.removeEventListener('consent:change', listener);
    // The page's listener reads the real instance, not the stub's "false".
    expect(seen).toEqual([[['analytics'], true]]);
  });

  it('sends the Consent Mode default before any declared script runs, and an update on a decision (consentMode key)', async () => {
    const consentMode = { analytics: ['analytics_storage'], marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'] };
    configTag(JSON.stringify({ ...config(), consentMode }));
    // A Google tag blocked until its purpose is granted: when it runs, it finds the default and the update.
    document.body.insertAdjacentHTML('beforeend', '<script type="text/plain" data-consent="analytics">window.seen = Array.from(dataLayer, (e) => e[0] + " " + e[1]);</script>');
    run(files.global);
    await settle();
    const denied = { analytics_storage: 'denied', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' };
    expect(win.dataLayer!.map((entry) => Array.from(entry as ArrayLike<unknown>))).toEqual([['consent', 'default', { ...denied, wait_for_update: 500 }]]);
    expect(Object.prototype.toString.call(win.dataLayer![0])).toBe('[object Arguments]');
    await real().decide({ analytics: true });
    expect(Array.from(win.dataLayer!.at(-1) as ArrayLike<unknown>)).toEqual(['consent', 'update', { ...denied, analytics_storage: 'granted' }]);
    await vi.waitFor(() => expect(win.seen).toEqual(['consent default', 'consent update']));
  });

  describe('a broken config: no dialog, nothing granted, every issue logged, queued calls refused', () => {
    const bad = { controller: { name: '', contact: 'nobody' }, policy: { version: '1', url: 'javascript:alert(1)' }, purposes: [{ id: 'Analytics', title: 'A' }], expiresAfterDays: 999 };

    const boot = async (setup: () => void) => {
      setup();
      const stub = stubbed();
      const gated = vi.fn();
      const send = stub.gate('analytics', gated);
      send('before');
      const required = reason(stub.require('analytics'));
      const decided = reason(stub.decide({ analytics: true }));
      stub.show();
      const error = quiet('error');
      const before = document.body.innerHTML;
      run(files.global);
      await settle();
      send('after');
      expect(win.consent).toBe(stub);
      expect(stub.has()).toBe(false);
      expect(gated).not.toHaveBeenCalled();
      expect(document.body.innerHTML).toBe(before);
      const refused = (await required)!;
      expect(refused).toMatchObject({ code: 'config', issues: expect.any(Array) });
      expect(await decided).toBe(refused);
      // Calls made after the failure are refused at once, not queued for ever.
      expect(await reason(stub.require('analytics'))).toBe(refused);
      expect(stub.q).toHaveLength(0);
      expect(error).toHaveBeenCalledOnce();
      expect(logged(error)).toMatch(/Optin did not start/);
      return { refused, log: logged(error) };
    };

    it('invalid: the log and the rejection list every issue', async () => {
      let expected: ConsentConfigError | undefined;
      try {
        createConsent(bad as never);
      } catch (error) {
        expected = error as ConsentConfigError;
      }
      expect(expected!.issues.length).toBeGreaterThan(4);
      const { refused, log } = await boot(() => configTag(JSON.stringify(bad)));
      expect(refused.issues).toEqual(expected!.issues);
      for (const { path, message } of expected!.issues) expect(log).toContain(`${path}: ${message}`);
    });

    it('invalid, with a consentMode key: Google’s tags still get the default, every mapped type denied, and no update', async () => {
      const consentMode = { Analytics: ['analytics_storage'], ads: ['ad_storage', 42], broken: 'ad_user_data' };
      await boot(() => configTag(JSON.stringify({ ...bad, consentMode })));
      // A Google tag loaded on its own (a defer file after optin.global.js) must not find consent missing, which it
      // reads as granted. Only the types the JSON gives as a list of strings count.
      expect(win.dataLayer?.map((entry) => Array.from(entry as ArrayLike<unknown>))).toEqual([
        ['consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied', wait_for_update: 500 }],
      ]);
    });

    it('bad JSON', async () => {
      const { refused } = await boot(() => configTag('{ "policy": '));
      expect(refused.issues).toEqual([{ path: '#optin-config', message: expect.stringMatching(/^is not valid JSON/) }]);
    });

    it('two config tags that differ (a theme and a plugin each added one): which is the site’s is not guessed', async () => {
      const { refused } = await boot(() => {
        configTag(JSON.stringify(config()));
        configTag(JSON.stringify(config({ policy: { ...config().policy, version: 'other' } })));
      });
      expect(refused.issues).toEqual([{ path: '#optin-config', message: expect.stringMatching(/^found 2 that differ: keep one/) }]);
    });

    it('no config tag', async () => {
      const { refused } = await boot(() => undefined);
      expect(refused.issues).toEqual([{ path: '#optin-config', message: expect.stringMatching(/^not found: add <script type="application\/json" id="optin-config">/) }]);
    });
  });

  it.each([
    ['an unsafe data-config URL, never fetched', 'javascript:alert(1)', 0, /must be an https URL or a same-origin path/],
    ['a plain-http data-config from another site, never fetched', 'http://cdn.example/optin.json', 0, /must be an https URL or a same-origin path/],
    ['a malformed data-config URL, never fetched', 'http://[oops/optin.json', 0, /must be an https URL or a same-origin path/],
    ['a protocol-relative data-config URL of another site, never fetched', '//cdn.example/optin.json', 0, /must be an https URL or a same-origin path/],
    ['a data: data-config URL, never fetched', 'data:application/json,{}', 0, /must be an https URL or a same-origin path/],
    ['a data-config file that answers 404', '/missing.json', 1, /answered HTTP 404/],
  ])('refuses %s', async (_, url, fetches, message) => {
    const fetch = vi.spyOn(window, 'fetch').mockResolvedValue(new Response('not here', { status: 404 }));
    const error = quiet('error');
    const stub = stubbed();
    const required = reason(stub.require('analytics'));
    run(files.global, { 'data-config': url });
    await settle();
    expect(fetch).toHaveBeenCalledTimes(fetches);
    // Named as in the README also in this minified file, so error monitoring can group it.
    expect(await required).toMatchObject({ name: 'ConsentConfigError', issues: [{ path: 'data-config', message: expect.stringMatching(message) }] });
    expect(error).toHaveBeenCalledOnce();
  });

  // A single-page app's server answers every path with its index page: 200, HTML. "Not valid JSON (Unexpected token
  // '<'): check quotes, commas and brackets" sent the site owner to look for a typo in a file that was never fetched.
  it('refuses a data-config URL that answers with an HTML page (an SPA fallback), saying so', async () => {
    vi.spyOn(window, 'fetch').mockResolvedValue(new Response('\n<!doctype html><html><body>App</body></html>', { headers: { 'content-type': 'text/html' } }));
    const error = quiet('error');
    const stub = stubbed();
    const required = reason(stub.require('analytics'));
    run(files.global, { 'data-config': '/optin.json' });
    await settle();
    expect(await required).toMatchObject({ issues: [{ path: 'data-config', message: '/optin.json answered with an HTML page, not JSON: check the URL' }] });
    expect(logged(error)).not.toMatch(/quotes, commas/);
  });

  it('has no eval or new Function (strict CSP)', () => {
    expect(files.global).not.toMatch(/\beval\(|new Function\b/);
  });
});

describe('the source, with the dialogs mocked', () => {
  /** Runs widgets/script-tag.ts afresh, as if from a tag with `attributes`. */
  const boot = async (attributes: Record<string, string> = {}) => {
    const tag = document.createElement('script');
    for (const [name, value] of Object.entries(attributes)) tag.setAttribute(name, value);
    vi.spyOn(documentMember('currentScript'), 'currentScript', 'get').mockReturnValue(tag);
    vi.resetModules();
    await import('../widgets/script-tag.js');
    await settle();
  };

  it('reads its config from a script element: page markup with the same id before it (a comment, a CMS block) is no config; the same config twice is fine', async () => {
    document.body.insertAdjacentHTML('beforeend', '<div id="optin-config">{ "policy": "forged" }</div>');
    const json = JSON.stringify(config());
    configTag(json);
    configTag(json);
    await boot();
    expect(mountDialogs).toHaveBeenCalledOnce();
    expect(real().config.policy).toEqual(config().policy);
  });

  it('mounts the dialogs with the floating button, unless data-floating-button="false"', async () => {
    configTag(JSON.stringify(config()));
    await boot();
    expect(mountDialogs).toHaveBeenCalledExactlyOnceWith(real(), { floatingButton: true });
    await real().withdraw();
    delete win[MARK];
    mountDialogs.mockClear();
    await boot({ 'data-floating-button': 'false' });
    expect(mountDialogs).toHaveBeenCalledExactlyOnceWith(real(), { floatingButton: false });
  });

  it('fails closed when the dialogs cannot mount: nothing exposed, queued calls rejected, nothing thrown', async () => {
    configTag(JSON.stringify(config()));
    const stub = stubbed();
    const required = reason(stub.require('analytics'));
    const boom = new Error('no shadow DOM here');
    mountDialogs.mockImplementation(() => {
      throw boom;
    });
    const error = quiet('error');
    await boot();
    expect(win.consent).toBe(stub);
    expect(await required).toBe(boom);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/did not start/), boom);
  });

  it('waits for the page to be parsed when its tag has no defer (the config may come later)', async () => {
    const state = vi.spyOn(documentMember('readyState'), 'readyState', 'get').mockReturnValue('loading');
    await boot();
    expect(mountDialogs).not.toHaveBeenCalled();
    configTag(JSON.stringify(config()));
    state.mockReturnValue('interactive');
    document.dispatchEvent(new Event('readystatechange')); // as the parser does when the page is parsed, before deferred scripts run
    await settle();
    expect(mountDialogs).toHaveBeenCalledOnce();
    expect(real().has('analytics')).toBe(false);
  });

  // An `async` tag, or one without defer placed above the stub: the file runs first, the stub queues meanwhile.
  it('replays the calls of a stub pasted after its tag, while the page was still being parsed', async () => {
    const state = vi.spyOn(documentMember('readyState'), 'readyState', 'get').mockReturnValue('loading');
    await boot();
    const stub = stubbed();
    const sent: unknown[] = [];
    stub.gate('analytics', (x: unknown) => sent.push(x))('early');
    const decided = stub.decide({ analytics: true });
    const required = stub.require('analytics');
    configTag(JSON.stringify(config()));
    state.mockReturnValue('interactive');
    document.dispatchEvent(new Event('readystatechange')); // as the parser does when the page is parsed, before deferred scripts run
    await settle();
    expect(win.consent).not.toBe(stub);
    expect(stub.q).toHaveLength(0);
    expect(sent).toEqual(['early']);
    await expect(Promise.all([decided, required])).resolves.toEqual([undefined, undefined]);
  });

  it('refuses the calls of a stub pasted after its tag when the config is broken', async () => {
    const state = vi.spyOn(documentMember('readyState'), 'readyState', 'get').mockReturnValue('loading');
    await boot();
    const stub = stubbed();
    const required = reason(stub.require('analytics'));
    configTag('{ "policy": ');
    const error = quiet('error');
    state.mockReturnValue('interactive');
    document.dispatchEvent(new Event('readystatechange')); // as the parser does when the page is parsed, before deferred scripts run
    await settle();
    expect(stub.q).toHaveLength(0);
    expect(await required).toMatchObject({ code: 'config' });
    expect(logged(error)).toMatch(/did not start/);
  });

  // The stub rejects on its own when the timeout runs out (stub.test.ts); the prompt the replayed call opened must
  // close then too, not a whole timeout after the file loaded.
  it('gives a replayed require() what is left of its timeoutMs, counted from the call to the stub', async () => {
    configTag(JSON.stringify(config()));
    const ui = { show: vi.fn(), showPreferences: vi.fn(), prompt: vi.fn(() => new Promise<boolean>(() => undefined)), cancel: vi.fn() };
    mountDialogs.mockImplementation((consent) => {
      (consent as Consent).attach(ui);
      return () => undefined;
    });
    const stub = stubbed();
    const called = Date.now();
    const required = reason(stub.require('credit-scoring', { ask: true, timeoutMs: 1000 }));
    await settle(700);
    await boot();
    await vi.waitFor(() => expect(ui.prompt).toHaveBeenCalledOnce());
    expect(await required).toMatchObject({ code: 'timeout' });
    await vi.waitFor(() => expect(ui.cancel).toHaveBeenCalledExactlyOnceWith('credit-scoring'), { timeout: 2000 });
    // About 1000 ms after the call for both; a full timeout after the replay would be 1700 ms or more.
    expect(Date.now() - called).toBeLessThan(1400);
  });

  it('delivers receipts to the config\'s receipts.endpoint, a key the consent config itself does not take', async () => {
    const fetch = vi.spyOn(window, 'fetch').mockResolvedValue(new Response(null, { status: 204 }));
    configTag(JSON.stringify({ ...config(), receipts: { endpoint: '/consent-receipts' } }));
    await boot();
    expect(mountDialogs).toHaveBeenCalledOnce();
    await real().decide({ analytics: true }, { method: 'banner' });
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledWith('/consent-receipts', expect.objectContaining({ method: 'POST' })));
    expect(JSON.parse(fetch.mock.calls[0]![1]!.body as string)).toEqual({ receipts: await real().receipts() });
  });

  it('refuses a bad receipts.endpoint like any broken config: no dialog, nothing granted', async () => {
    configTag(JSON.stringify({ ...config(), receipts: { endpoint: 'javascript:alert(1)' } }));
    const stub = stubbed();
    const required = reason(stub.require('analytics'));
    const error = quiet('error');
    await boot();
    expect(mountDialogs).not.toHaveBeenCalled();
    expect(win.consent).toBe(stub);
    expect(await required).toMatchObject({ issues: [{ path: 'receipts.endpoint' }] });
    expect(logged(error)).toMatch(/receipts\.endpoint: must be an http\(s\) URL/);
  });

  it('turns the network guard on with "networkGuard": true, and refuses any other value', async () => {
    const purposes = config().purposes.map((p) => (p.id == 'analytics' ? { ...p, hosts: ['stats.example'] } : p));
    configTag(JSON.stringify({ ...config(), purposes, networkGuard: true }));
    const blocked = vi.fn();
    window.addEventListener('consent:blocked', blocked);
    await boot();
    const img = new Image();
    img.src = 'https://stats.example/pixel.gif'; // refused once the stored decisions are known (none here)
    await real().ready;
    await settle();
    window.removeEventListener('consent:blocked', blocked);
    expect(img.getAttribute('src')).toBeNull();
    expect(blocked).toHaveBeenCalledOnce();
    delete win[MARK];
    document.body.innerHTML = '';
    mountDialogs.mockClear();

    configTag(JSON.stringify({ ...config(), networkGuard: 'yes' }));
    const error = quiet('error');
    await boot();
    expect(mountDialogs).not.toHaveBeenCalled();
    expect(logged(error)).toMatch(/networkGuard: must be true/);
  });

  it('keeps a replayed call that throws from stopping the others', async () => {
    configTag(JSON.stringify(config()));
    const stub = stubbed();
    const send = stub.gate('necessary', () => {
      throw new Error('tracker bug');
    });
    send();
    const required = stub.require('necessary');
    const error = quiet('error');
    await boot();
    await expect(required).resolves.toBeUndefined();
    expect(logged(error)).toMatch(/queued before the script loaded failed.*tracker bug/);
  });
});

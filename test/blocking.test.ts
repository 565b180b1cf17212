// blockElements: declared scripts run once, in document order, only after a yes; what a site declares wrongly is
// reported. Embeds: test/embeds.test.ts.
// External scripts come from a temp folder through happy-dom's virtual server, so they really load and run too.
// Scripts run in this file's page (happy-dom runs none unless told to):
// @vitest-environment-options {"settings":{"enableJavaScriptEvaluation":true,"suppressInsecureJavaScriptEnvironmentWarning":true}}
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { blockElements } from '../src/blocking.js';
import { createConsent } from '../src/index.js';
import { setup, stops } from './blocked-page.js';
import { config, documentMember, settle } from './fixtures.js';

type Win = Window & { ran?: string[]; happyDOM: { settings: { fetch: { virtualServers: { url: string; directory: string }[] | null } } } };
const win = window as unknown as Win;
const ran = () => win.ran ?? [];
const mark = (name: string) => `window.ran = (window.ran || []).concat(${JSON.stringify(name)})`;
const plain = (id: string, name: string, extra = '') => `<script type="text/plain" data-consent="${id}"${extra}>${mark(name)}</script>`;

let dir = '';
beforeAll(() => {
  // External scripts come from this folder as https://cdn.test/<name>.js; each one records its name.
  dir = mkdtempSync(join(tmpdir(), 'optin-blocking-'));
  for (const name of ['x', 'y']) writeFileSync(join(dir, `${name}.js`), mark(name));
  win.happyDOM.settings.fetch.virtualServers = [{ url: 'https://cdn.test/', directory: dir }];
});
afterAll(() => {
  win.happyDOM.settings.fetch.virtualServers = null;
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  delete win.ran;
});

describe('scripts (PRE-01: nothing runs before a yes)', () => {
  it('runs nothing while undecided, then each granted script once, in document order', async () => {
    const consent = await setup(plain('analytics', 'a1') + plain('marketing', 'm') + plain('analytics', 'a2'));
    expect(ran()).toEqual([]);
    await consent.decide({ analytics: true });
    expect(ran()).toEqual(['a1', 'a2']);
    await consent.decide({ marketing: true });
    expect(ran()).toEqual(['a1', 'a2', 'm']);
    await consent.withdraw('analytics');
    await consent.decide({ analytics: true });
    await settle();
    expect(ran()).toEqual(['a1', 'a2', 'm']);
  });

  it('keeps document order when one decision grants several purposes', async () => {
    const consent = await setup(plain('analytics', 'a1') + plain('marketing', 'm') + plain('analytics', 'a2'));
    await consent.decideAll(true);
    expect(ran()).toEqual(['a1', 'm', 'a2']);
  });

  it('never runs a script after a no or a withdrawal', async () => {
    const consent = await setup(plain('analytics', 'a') + plain('marketing', 'm'));
    await consent.decide({ analytics: false });
    await consent.decideAll(false);
    await settle();
    expect(ran()).toEqual([]);
    expect(document.querySelectorAll('script[type="text/plain"]')).toHaveLength(2);
  });

  it('runs scripts of a necessary purpose at once', async () => {
    await setup(plain('necessary', 'n'));
    expect(ran()).toEqual(['n']);
  });

  it('handles scripts added later (single-page apps), before and after the yes', async () => {
    const consent = await setup('');
    document.body.insertAdjacentHTML('beforeend', plain('analytics', 'early'));
    await settle();
    expect(ran()).toEqual([]);
    await consent.decide({ analytics: true });
    expect(ran()).toEqual(['early']);
    document.body.insertAdjacentHTML('beforeend', `<div>${plain('analytics', 'late')}</div>`);
    await settle();
    expect(ran()).toEqual(['early', 'late']);
  });

  it('replaces the inert script with a real one: attributes kept, type from data-type, nonce kept', async () => {
    const consent = await setup(plain('analytics', 'm', ' id="tag" nonce="r4nd0m" data-type="module" data-x="1"') + plain('marketing', 'c', ' class="ads"'));
    await consent.decideAll(true);
    const module = document.getElementById('tag') as HTMLScriptElement;
    expect(module.getAttribute('type')).toBe('module');
    expect(module.getAttribute('nonce')).toBe('r4nd0m');
    expect(module.dataset).toMatchObject({ consent: 'analytics', x: '1' });
    expect(module.hasAttribute('data-type')).toBe(false);
    const classic = document.querySelector('script.ads') as HTMLScriptElement;
    expect(classic.hasAttribute('type')).toBe(false);
    expect(classic.text).toBe(mark('c'));
    expect(document.querySelectorAll('script[type="text/plain"]')).toHaveLength(0);
  });

  it('copies the nonce from the property, where browsers hide it after parsing', async () => {
    document.body.innerHTML = plain('analytics', 'a', ' nonce=""');
    Object.defineProperty(document.querySelector('script')!, 'nonce', { value: 'hidden-value' });
    const consent = createConsent(config());
    stops.push(blockElements(consent));
    await consent.decide({ analytics: true });
    expect((document.querySelector('script') as HTMLScriptElement & { nonce: string }).nonce).toBe('hidden-value');
  });

  it('runs external scripts in order (async off) and an inline one only after the external ones before it', async () => {
    // `defer` makes happy-dom load x.js later, as browsers load every inserted script (it means nothing there).
    const consent = await setup(
      plain('analytics', '', ' src="https://cdn.test/x.js" defer') + plain('analytics', 'inline') + plain('analytics', '', ' src="https://cdn.test/y.js"'),
    );
    const inserted: HTMLScriptElement[] = [];
    new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach((n) => inserted.push(n as HTMLScriptElement)))).observe(document.body, { childList: true });
    await consent.decide({ analytics: true });
    await settle();
    expect(ran()).toEqual(['x', 'inline', 'y']);
    expect(inserted.filter((s) => s.src).map((s) => s.async)).toEqual([false, false]);
  });

  it('never runs a script still waiting for an external one before it once the purpose is withdrawn', async () => {
    const consent = await setup(plain('analytics', '', ' src="https://cdn.test/x.js" defer') + plain('analytics', 'inline') + plain('analytics', '', ' src="https://cdn.test/y.js"'));
    void consent.decide({ analytics: true });
    void consent.withdraw('analytics'); // the person changes their mind before x.js has arrived
    await settle(100);
    expect(ran()).toEqual(['x']);
    expect(document.querySelectorAll('script[type="text/plain"]')).toHaveLength(2);
  });

  it('waits for the whole page while the parser is still adding scripts', async () => {
    const state = vi.spyOn(documentMember('readyState'), 'readyState', 'get').mockReturnValue('loading');
    await setup(plain('necessary', 'n'));
    expect(ran()).toEqual([]);
    state.mockReturnValue('interactive');
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(ran()).toEqual(['n']);
  });

  it('ignores an unknown purpose with a warning that names it, and keeps the element blocked', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const consent = await setup(plain('analytcs', 'typo'));
    await consent.decideAll(true);
    expect(ran()).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]![0])).toMatch(/"analytcs".*did you mean "analytics"/);
  });

  it('takes up an element the app corrects after a warning: a misspelt purpose, then the right one', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const consent = await setup(plain('analytcs', 'fixed'));
    await consent.decideAll(true);
    document.querySelector<HTMLScriptElement>('script[data-consent]')!.dataset.consent = 'analytics';
    await settle();
    expect(ran()).toEqual(['fixed']);
  });

  // A site owner who adds data-consent but forgets type="text/plain" (or writes src instead of data-src) has a tracker
  // that runs before any consent: too late to stop, but the console must say so while the site is being built.
  it('warns about a declared script or embed that ran or loaded before consent, naming the fix; never about its own', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const consent = await setup(`<script data-consent="analytics" type="module" src="data:text/javascript,"></script>
      <iframe data-consent="analytics" src="about:blank#video"></iframe>${plain('analytics', 'declared')}`);
    const warnings = () => warn.mock.calls.map((call) => String(call[0]));
    expect(warnings()).toEqual(Array(2).fill(expect.stringMatching(/ran before any consent.*script type="text\/plain", an embed data-src instead of src/)));
    expect(warn.mock.calls.map((call) => (call[1] as Element).localName)).toEqual(['script', 'iframe']);
    // The script Optin itself runs after the yes keeps its data-consent, and the warned ones are not warned again.
    await consent.decideAll(true);
    await settle();
    expect(ran()).toEqual(['declared']);
    expect(warnings()).toHaveLength(2);
  });

  it('a script the page’s own rules refuse (Trusted Types) stays blocked and is logged, never thrown into the page', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const text = Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype, 'text')!;
    vi.spyOn(HTMLScriptElement.prototype, 'text', 'set').mockImplementation(function (this: HTMLScriptElement, value: string) {
      if (this.type != 'text/plain') throw new TypeError("This document requires 'TrustedScript' assignment.");
      text.set!.call(this, value);
    });
    const consent = await setup('');
    await consent.decide({ analytics: true });
    // Added after the yes: unblocked from the MutationObserver, where a throw would be uncaught.
    document.body.insertAdjacentHTML('beforeend', plain('analytics', 'a'));
    await settle();
    expect(ran()).toEqual([]);
    expect(String(logged.mock.calls.at(-1)?.[0])).toMatch(/could not be unblocked; it stays blocked/);
  });

  it('does nothing more once stopped', async () => {
    const consent = await setup(plain('analytics', 'a') + '<iframe data-consent="analytics" data-src="/embed"></iframe>');
    stops.pop()!();
    expect(document.querySelector('button')).toBeNull();
    await consent.decide({ analytics: true });
    document.body.insertAdjacentHTML('beforeend', plain('analytics', 'b'));
    await settle();
    expect(ran()).toEqual([]);
    expect(document.querySelector('iframe')!.hasAttribute('src')).toBe(false);
  });
});

describe('server-side rendering', () => {
  it('does nothing without a document, instead of a ReferenceError that would break the render', () => {
    const consent = createConsent(config());
    vi.stubGlobal('document', undefined);
    try {
      const stop = blockElements(consent);
      expect(stop()).toBeUndefined();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

// Declared embeds: an iframe gets its src only after a yes, a button before it asks until then, a withdrawal unloads
// it; apps that add, change or drop embeds are followed.
// Re-exports @testing-library/dom, whose role queries compute the accessible name as assistive technology does.
import { getByRole } from '@testing-library/preact';
import { h, render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { setup, stops } from './blocked-page.js';
import { purposes, settle } from './fixtures.js';

/**
 * The embed's src is gone. (The frame is taken out and put back without it, so its document is unloaded and no
 * history entry is added; happy-dom loads no frames, so the browser tests check that part.)
 */
const expectUnloaded = (iframe: HTMLIFrameElement) => expect(iframe.hasAttribute('src')).toBe(false);

describe('iframes', () => {
  const frame = '<iframe data-consent="marketing" data-src="https://video.example/embed/1" title="Video"></iframe>';

  it('gets its src only after a yes; until then a button before it asks for the purpose by name', async () => {
    const consent = await setup(frame);
    const iframe = document.querySelector('iframe')!;
    expect(iframe.hasAttribute('src')).toBe(false);
    const button = getByRole(document.body, 'button', { name: /needs your consent for “Advertising”/ });
    expect(button.getAttribute('type')).toBe('button');
    expect(button.nextElementSibling).toBe(iframe);
    await consent.decide({ marketing: false });
    await settle();
    expect(iframe.hasAttribute('src')).toBe(false);
    await consent.decide({ marketing: true });
    expect(iframe.getAttribute('src')).toBe('https://video.example/embed/1');
    expect(document.querySelector('button')).toBeNull();
  });

  it('names the purpose as written, even with characters that String.replace treats as patterns', async () => {
    const titled = purposes.map((p) => (p.id == 'marketing' ? { ...p, title: 'Ads $& $1 offers' } : p));
    await setup(frame, { purposes: titled });
    getByRole(document.body, 'button', { name: /needs your consent for “Ads \$& \$1 offers”/ });
  });

  it.each([
    ['an embed', ''],
    ['an embed behind a click-to-load facade (taken out and put back to load)', ' srcdoc="<p>Video: click to load</p>"'],
  ])('keeps %s out of the tab order and the accessibility tree until its yes, then focuses it after a yes from its button', async (_, facade) => {
    const consent = await setup(frame.replace('<iframe', '<iframe' + facade));
    expect(document.querySelector('iframe')!.hasAttribute('inert')).toBe(true);
    getByRole(document.body, 'button', { name: /needs your consent for “Advertising”/ }).click();
    await consent.decide({ marketing: true });
    await settle();
    const iframe = document.querySelector('iframe')!;
    expect([iframe.hasAttribute('inert'), iframe.hasAttribute('srcdoc'), iframe.getAttribute('src')]).toEqual([false, false, 'https://video.example/embed/1']);
    expect(document.activeElement).toBe(iframe);
  });

  it('leaves alone an inert the page put on an embed itself, before or after its yes, whatever DOM change comes', async () => {
    const consent = await setup('<iframe inert data-consent="marketing" data-src="https://video.example/embed/1" title="Video"></iframe><div id="box"></div>');
    await consent.decide({ marketing: true });
    await settle();
    const iframe = document.querySelector('iframe')!;
    expect(iframe.hasAttribute('inert')).toBe(true);
    iframe.removeAttribute('inert');
    iframe.setAttribute('inert', ''); // the page opens its own modal over the granted embed
    document.getElementById('box')!.append(document.createElement('span')); // a rescan
    await settle();
    expect(iframe.hasAttribute('inert')).toBe(true);
  });

  it('does not take focus from where the person went after clicking the button, when the yes comes later from elsewhere', async () => {
    const consent = await setup(frame + '<input id="search">');
    getByRole(document.body, 'button', { name: /needs your consent for “Advertising”/ }).click();
    const search = document.getElementById('search')!;
    search.focus(); // the person moved on and is typing
    await consent.decide({ marketing: true }); // the yes comes from the preferences, or another tab
    await settle();
    expect(document.activeElement).toBe(search);
  });

  it('asks with ask: true on a click, and a no stays inside (no unhandled rejection)', async () => {
    const consent = await setup(frame);
    await consent.decide({ marketing: false });
    const require = vi.spyOn(consent, 'require');
    const rejected = vi.fn();
    window.addEventListener('unhandledrejection', rejected);
    process.on('unhandledRejection', rejected);
    // The dialogs answer "closed without answering", so require() rejects.
    consent.attach({ show() {}, showPreferences() {}, prompt: () => Promise.resolve(false) });
    getByRole(document.body, 'button').click();
    expect(require).toHaveBeenCalledWith('marketing', { ask: true });
    await expect(require.mock.results[0]!.value).rejects.toMatchObject({ code: 'denied', dismissed: true });
    await settle();
    window.removeEventListener('unhandledrejection', rejected);
    process.off('unhandledRejection', rejected);
    expect(rejected).not.toHaveBeenCalled();
    expect(document.querySelector('iframe')!.hasAttribute('src')).toBe(false);
  });

  it('unloads the embed and shows the button again when consent is withdrawn', async () => {
    const consent = await setup(frame);
    await consent.decide({ marketing: true });
    await consent.withdraw('marketing');
    expectUnloaded(document.querySelector('iframe')!);
    expect(getByRole(document.body, 'button').nextElementSibling).toBe(document.querySelector('iframe'));
    await consent.decide({ marketing: true });
    expect(document.querySelector('iframe')!.getAttribute('src')).toBe('https://video.example/embed/1');
  });

  it.each(['javascript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example/x', '/\\evil.example', '\\\\evil.example/x'])(
    'never applies the data-src %s, even after a yes',
    async (src) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const consent = await setup(`<iframe data-consent="marketing" data-src="${src.replace(/"/g, '&quot;').replace(/</g, '&lt;')}"></iframe>`);
      await consent.decide({ marketing: true });
      await settle();
      expect(document.querySelector('iframe')!.hasAttribute('src')).toBe(false);
      expect(warn).toHaveBeenCalledOnce();
    },
  );

  it('unloads an embed the page puts back with its src after a withdrawal (a snapshot restored on going back)', async () => {
    document.body.innerHTML = `<main>${frame}</main>`;
    const consent = await setup(document.body.innerHTML);
    await consent.decide({ marketing: true });
    const main = document.querySelector('main')!;
    const snapshot = main.innerHTML; // taken while the embed was allowed
    await consent.withdraw('marketing');
    main.innerHTML = snapshot;
    await settle();
    expectUnloaded(document.querySelector('iframe')!);
    getByRole(document.body, 'button', { name: /needs your consent for “Advertising”/ });
  });

  it('accepts a path relative to the page, which loads from its own origin', async () => {
    const consent = await setup('<iframe data-consent="marketing" data-src="../embed/map?x=1"></iframe>');
    await consent.decide({ marketing: true });
    expect(document.querySelector('iframe')!.getAttribute('src')).toBe('../embed/map?x=1');
  });

  it('accepts a same-origin path', async () => {
    const consent = await setup('<iframe data-consent="marketing" data-src="/embed/map?x=1"></iframe>');
    await consent.decide({ marketing: true });
    expect(document.querySelector('iframe')!.getAttribute('src')).toBe('/embed/map?x=1');
  });

  it('handles embeds added later, and drops the button of an embed that was removed', async () => {
    await setup('<main></main>');
    document.querySelector('main')!.innerHTML = frame;
    await settle();
    expect(document.querySelectorAll('button')).toHaveLength(1);
    document.querySelector('main')!.innerHTML = '';
    await settle();
    expect(document.querySelectorAll('button')).toHaveLength(0);
  });

  it('follows an app that sets or changes data-src and data-consent on an embed it already inserted (React, Vue)', async () => {
    const consent = await setup('<iframe data-consent="marketing" title="Video"></iframe>');
    const iframe = document.querySelector('iframe')!;
    expect(document.querySelectorAll('button')).toHaveLength(0); // nothing to load yet, nothing to ask
    iframe.dataset.src = 'https://video.example/embed/1';
    await settle();
    expect(getByRole(document.body, 'button', { name: /“Advertising”/ }).nextElementSibling).toBe(iframe);
    await consent.decide({ marketing: true });
    expect(iframe.getAttribute('src')).toBe('https://video.example/embed/1');
    // The app shows another video in the same element: it loads, under the same yes.
    iframe.dataset.src = 'https://video.example/embed/2';
    await settle();
    expect(iframe.getAttribute('src')).toBe('https://video.example/embed/2');
    // Moved under a purpose still undecided: unloaded, and asked for by name.
    iframe.dataset.consent = 'analytics';
    await settle();
    const now = document.querySelector('iframe')!;
    expect(now.hasAttribute('src')).toBe(false);
    expect(getByRole(document.body, 'button', { name: /“Analytics”/ }).nextElementSibling).toBe(now);
  });

  it('keeps the button, and focus on it, when the app changes only the address of a blocked embed', async () => {
    await setup(frame);
    const button = getByRole(document.body, 'button', { name: /“Advertising”/ });
    button.focus();
    document.querySelector('iframe')!.dataset.src = 'https://video.example/embed/2';
    await settle();
    expect(document.activeElement).toBe(button);
    expect(button.isConnected).toBe(true);
  });

  it('a single-page app (Preact) drops a withdrawn embed with the view that showed it: no blank frame or button left behind', async () => {
    const consent = await setup('<div id="app"></div>');
    const app = document.getElementById('app')!;
    const page = (video: boolean) => h('main', null, video && h('iframe', { 'data-consent': 'marketing', 'data-src': 'https://video.example/embed/1', title: 'Video' }), h('p', null, 'Comments'));
    render(page(true), app);
    await consent.decide({ marketing: true });
    await consent.withdraw('marketing');
    await settle();
    // The app goes to a view without the video (a route, a closed panel).
    render(page(false), app);
    await settle();
    // Before: the app removed its own iframe, already swapped for a blank copy that it knew nothing of; the copy and
    // its button stayed on the new view, where a click on it loaded the video again.
    expect([app.querySelectorAll('iframe').length, app.querySelectorAll('button').length]).toEqual([0, 0]);
    render(null, app);
  });

  it('speaks the locale, labelled with its lang: built-in zh-CN text, the site’s own text, else English (WCAG 3.1.2)', async () => {
    document.documentElement.lang = 'en';
    try {
      await setup(frame.replace('marketing', 'analytics'), { locale: 'zh-CN' });
      expect([getByRole(document.body, 'button').textContent, getByRole(document.body, 'button').lang]).toEqual(['显示需要您同意“统计分析”的内容', 'zh-CN']);
      stops.pop()!();
      await setup(frame.replace('marketing', 'analytics'), { texts: { en: { blockedContent: 'Load the {purpose} video' } } });
      expect([getByRole(document.body, 'button').textContent, getByRole(document.body, 'button').lang]).toEqual(['Load the Analytics video', 'en']);
      // A French page whose site gave its own placeholder text, or only other strings.
      document.documentElement.lang = 'fr';
      stops.pop()!();
      await setup(frame.replace('marketing', 'analytics'), { texts: { fr: { blockedContent: 'Afficher {purpose}' } } });
      expect(getByRole(document.body, 'button').lang).toBe('fr');
      stops.pop()!();
      await setup(frame.replace('marketing', 'analytics'), { texts: { fr: { acceptAll: 'Tout accepter' } } });
      expect([getByRole(document.body, 'button').textContent, getByRole(document.body, 'button').lang]).toEqual(['Show content that needs your consent for “Analytics”', 'en']);
      // Then the button is in English as the dialogs are, with the site's English text when it gave one.
      stops.pop()!();
      await setup(frame.replace('marketing', 'analytics'), { texts: { en: { blockedContent: 'Load the {purpose} video' }, fr: { acceptAll: 'Tout accepter' } } });
      expect([getByRole(document.body, 'button').textContent, getByRole(document.body, 'button').lang]).toEqual(['Load the Analytics video', 'en']);
      // The purpose named in that English too, as the dialogs it opens name it: not its French title inside English text.
      stops.pop()!();
      const french = purposes.map((p) => (p.id == 'analytics' ? { ...p, title: { en: 'Analytics', fr: 'Statistiques' } } : p));
      await setup(frame.replace('marketing', 'analytics'), { purposes: french, texts: { fr: { acceptAll: 'Tout accepter' } } });
      expect([getByRole(document.body, 'button').textContent, getByRole(document.body, 'button').lang]).toEqual(['Show content that needs your consent for “Analytics”', 'en']);
    } finally {
      document.documentElement.lang = '';
    }
  });
  it('falls back to English for a locale named like an Object.prototype member (toString, constructor): the button still shows', async () => {
    for (const locale of ['toString', 'constructor', '__proto__']) {
      // Plain titles: a per-locale one must have a text in the fallback locale, here that very name.
      await setup(frame, { locale, purposes: purposes.filter((p) => typeof p.title == 'string') });
      expect([getByRole(document.body, 'button').textContent, getByRole(document.body, 'button').lang], locale).toEqual(['Show content that needs your consent for “Advertising”', 'en']);
      stops.pop()!();
    }
  });
});


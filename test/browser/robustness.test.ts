// Never break the host page, and never let the host page break the dialogs: a strict Content-Security-Policy,
// hostile page CSS and a 320 px wide phone.
import type { Locator, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../widgets/texts.js';
import { banner, collected, env, hits, open, rewriteHome, until } from './browser.js';

const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every string of the dialogs in Arabic, a right-to-left language Optin does not ship. */
const ar: typeof en = {
  bannerTitle: 'خيارات الخصوصية الخاصة بك',
  bannerText: 'تطلب {controller} موافقتك على استخدام بياناتك من أجل: {purposes}. لا يُجمع أي شيء حتى توافق، ويمكنك سحب موافقتك في أي وقت من «إعدادات الخصوصية».',
  bannerSeparate: 'يُطلب على حدة، ولا يدخل أبدًا في «قبول الكل»: {purposes}.',
  contact: 'للتواصل: ',
  policy: 'سياسة الخصوصية',
  acceptAll: 'قبول الكل',
  rejectAll: 'رفض الكل',
  customize: 'تخصيص',
  close: 'إغلاق',
  preferencesTitle: 'إعدادات الخصوصية',
  preferencesText: 'اختر ما يجوز لـ{controller} فعله ببياناتك. كل شيء متوقف حتى تشغّله، ويمكنك تغيير خياراتك في أي وقت.',
  save: 'حفظ الخيارات',
  saved: 'حُفظت الخيارات',
  withdrawn: 'سُحبت الموافقة',
  on: 'تشغيل',
  off: 'إيقاف',
  alwaysOn: 'مفعّل دائمًا',
  necessary: 'ضروري لعمل الموقع: لا تُطلب موافقة ولا يمكن إيقافه.',
  sensitive: 'موافقة منفصلة: تُطلب وحدها، ولا تدخل أبدًا في «قبول الكل».',
  revised: 'تغيّر منذ اختيارك الأخير: {purposes}.',
  signal: 'أرسل متصفحك إشارة التحكم العالمي بالخصوصية ونحن نحترمها: يبقى هذا متوقفًا ما لم تشغّله هنا.',
  data: 'البيانات المجمّعة',
  recipients: 'تُشارك مع',
  noRecipients: 'لا أحد غير {controller}',
  abroad: 'نقل عبر الحدود: {country}',
  retention: 'مدة الحفظ',
  promptTitle: 'السماح بـ{purpose}؟',
  promptText: 'تطلب {controller} موافقتك على هذا الغرض وحده. لا يُرسل شيء ما لم تسمح بذلك، والرفض لا يؤثر في أي شيء آخر على الموقع. يمكنك السحب في أي وقت من «إعدادات الخصوصية».',
  allow: 'السماح بـ{purpose}',
  deny: 'عدم السماح',
  settings: 'إعدادات الخصوصية',
  listSeparator: '، ',
};
/** The demo's home page as an Arabic site would have it: `<html lang="ar">` and the Arabic table in the config. */
const inArabic = () => rewriteHome(/<html lang="en">([\s\S]*?)"purposes": \[/, `<html lang="ar">$1"texts": { "ar": ${JSON.stringify(ar)} }, "purposes": [`);

/** A fresh window of this size on the demo's home page, its banner open; `preferences` opens them over it. */
async function windowOf(width: number, height: number) {
  await env.context.close();
  env.context = await env.browser.newContext({ viewport: { width, height } });
  const page = await open('/');
  const dialog = await banner(page);
  const preferences = async () => {
    await page.evaluate(() => (window as unknown as { consent: { showPreferences(): void } }).consent.showPreferences());
    await page.getByRole('dialog', { name: 'Privacy settings' }).waitFor();
  };
  return { page, dialog, preferences };
}

describe('host pages (principle 7)', () => {
  it("works under Content-Security-Policy: default-src 'self' with the stub as a file, and reports no violation", async () => {
    await env.context.addInitScript(() => {
      if (window != window.top) return; // the page's embeds have no stub
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    const page = await open('/strict');
    const consoleErrors: string[] = [];
    page.on('console', (message) => void (message.type() == 'error' && consoleErrors.push(message.text())));
    const dialog = await banner(page);
    // The dialogs are styled (an adopted stylesheet), not raw: the buttons are laid out as the CSS says.
    expect(await dialog.getByRole('button', { name: 'Accept all' }).evaluate((el) => getComputedStyle(el).minHeight)).toBe('44px');
    await dialog.getByRole('button', { name: 'Accept all' }).click();
    await until(() => hits('analytics') >= 2 && hits('personalisation') == 1, 'the allowed collection under the CSP');
    // An embed's placeholder asks in the prompt; the frame loads under the same policy.
    await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).click();
    await page.getByRole('button', { name: 'Allow Embedded video' }).click();
    await until(() => hits('video') == 1, 'the video player, after its own yes');
    await page.getByRole('button', { name: 'Check my credit score' }).click();
    await page.getByRole('button', { name: 'Allow Credit scoring' }).click();
    await until(() => hits('credit-scoring') == 1, 'the score request');
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(env.server.cspReports).toEqual([]);
  });

  it('shows a readable, usable banner on a page with hostile CSS', async () => {
    const page = await open('/?hostile=1');
    const dialog = await banner(page);
    // The page's own text is gone (transparent), ours is not.
    expect(await page.locator('h1').evaluate((el) => getComputedStyle(el).color)).toBe('rgba(0, 0, 0, 0)');
    for (const name of ['Accept all', 'Reject all', 'Customize']) {
      const look = await dialog.getByRole('button', { name }).evaluate((el) => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return { opacity: style.opacity, color: style.color, fontSize: parseFloat(style.fontSize), visible: box.width >= 24 && box.height >= 24 };
      });
      expect(look, name).toEqual({ opacity: '1', color: 'rgb(255, 255, 255)', fontSize: expect.any(Number) as number, visible: true });
      expect(look.fontSize, name).toBeGreaterThanOrEqual(14);
    }
    expect(await dialog.locator('p').first().evaluate((el) => getComputedStyle(el).color)).not.toBe('rgba(0, 0, 0, 0)');
    await dialog.getByRole('button', { name: 'Reject all' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (window as unknown as { consent: { state(id: string): string } }).consent.state('analytics'))).toBe('denied');
  });

  it('keeps its own text direction on a right-to-left page', async () => {
    const page = await open('/');
    const dialog = await banner(page);
    await page.evaluate(() => (document.documentElement.dir = 'rtl'));
    expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
    expect(await dialog.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    // Reject all stays first in reading order, at the left.
    const reject = (await dialog.getByRole('button', { name: 'Reject all' }).boundingBox())!;
    const accept = (await dialog.getByRole('button', { name: 'Accept all' }).boundingBox())!;
    expect(reject.x).toBeLessThan(accept.x);
  });

  it('in a right-to-left locale, the heading of a modal layer starts as far from its edge as the content below it, and a list of recipients is indented at its start only, as in English', async () => {
    // A complete table for Arabic (all Optin needs to show it): English but for the title, which sets the direction.
    const ar = { ...en, preferencesTitle: 'إعدادات الخصوصية' };
    await rewriteHome(/<html lang="en">([\s\S]*?)"purposes": \[/, `<html lang="ar">$1"texts": { "ar": ${JSON.stringify(ar)} }, "purposes": [`);
    const page = await open('/');
    await banner(page);
    await page.evaluate(() => (window as unknown as { consent: { showPreferences(): void } }).consent.showPreferences());
    const dialog = page.getByRole('dialog', { name: ar.preferencesTitle });
    expect(await dialog.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    const gaps = await dialog.evaluate((el) => {
      const [layer, heading, text, list, item] = [el, el.querySelector('h2')!, el.querySelector('.body p')!, el.querySelector('dd ul')!, el.querySelector('dd li')!].map((e) => e.getBoundingClientRect());
      // The bullets go in the list's indent, at its start: on the right here.
      return { heading: Math.round(layer!.right - heading!.right), text: Math.round(layer!.right - text!.right), list: [Math.round(list!.right - item!.right), Math.round(item!.left - list!.left)] };
    });
    expect(gaps.heading).toBe(gaps.text);
    expect(gaps.list, 'indent of the list at its start and its end (1.25em, none)').toEqual([20, 0]);
  });

  it('in Arabic, the × of every layer sits at its inline end (the left), clear of the heading, as the heading starts at the right', async () => {
    await inArabic();
    const page = await open('/');
    for (const name of [ar.bannerTitle, ar.preferencesTitle]) {
      if (name == ar.preferencesTitle) await page.evaluate(() => (window as unknown as { consent: { showPreferences(): void } }).consent.showPreferences());
      const layer = page.getByRole('dialog', { name });
      const box = await layer.evaluate((el) => {
        const [frame, heading, close] = [el, el.querySelector('h2')!, el.querySelector('.close')!].map((e) => e.getBoundingClientRect());
        return { direction: getComputedStyle(el).direction, closeFromLeft: Math.round(close!.left - frame!.left), clear: close!.right <= heading!.left, headingFromRight: Math.round(frame!.right - heading!.right) };
      });
      expect(box, name).toMatchObject({ direction: 'rtl', clear: true });
      expect(box.closeFromLeft, `${name}: the × near the left edge`).toBeLessThanOrEqual(16);
      expect(box.headingFromRight, `${name}: the heading at the right edge`).toBeLessThanOrEqual(24);
      await layer.getByRole('button', { name: ar.close }).click();
    }
  });

  it('in Arabic, the floating "Privacy settings" button sits at the bottom right, where a right-to-left page starts; in English at the bottom left', async () => {
    /** The floating button's distance from the left and the right edge of the window (the demo has a link of its own). */
    const fab = (page: Page, settings: string) =>
      page.locator('button.fab', { hasText: settings }).evaluate((el) => {
        const box = el.getBoundingClientRect();
        return { fromLeft: Math.round(box.left), fromRight: Math.round(innerWidth - box.right) };
      });
    const english = await open('/');
    await english.getByRole('dialog', { name: en.bannerTitle }).getByRole('button', { name: en.rejectAll }).click();
    expect(await fab(english, en.settings)).toMatchObject({ fromLeft: 8 });
    // The same visitor, decided: the Arabic page shows the floating button at once.
    await inArabic();
    expect(await fab(await open('/'), ar.settings)).toMatchObject({ fromRight: 8 });
  });

  it('in Arabic, a text the site gives only in English reads left to right inside the right-to-left dialog: "13 months", not "months 13"; its full stop at its end', async () => {
    await inArabic();
    const page = await open('/');
    await page.getByRole('dialog', { name: ar.bannerTitle }).waitFor();
    await page.evaluate(() => (window as unknown as { consent: { showPreferences(): void } }).consent.showPreferences());
    const dialog = page.getByRole('dialog', { name: ar.preferencesTitle });
    /** Where on screen the first occurrence of each word of `words` is drawn, as its left edge. */
    const lefts = (words: string[]) =>
      dialog.evaluate((el, words) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent!;
          if (!words.every((word) => text.includes(word))) continue;
          return words.map((word) => {
            const range = document.createRange();
            range.setStart(node, text.indexOf(word));
            range.setEnd(node, text.indexOf(word) + word.length);
            return Math.round(range.getBoundingClientRect().left);
          });
        }
        return [];
      }, words);
    const [last, stop] = await lefts(['remembers your consent choices', '.']);
    expect(stop, 'the full stop after the last word, on its right').toBeGreaterThan(last!);
    const [number, months] = await lefts(['13', 'months']);
    expect(number, '"13" before "months", on its left').toBeLessThan(months!);
  });

  it.each([
    [1280, 720],
    [375, 667],
  ])('at %i x %i, a first visit shows the banner in the first view before anything is collected, Accept all and Reject all wholly in it (PRE-06)', async (width, height) => {
    const { page, dialog } = await windowOf(width, height);
    expect(await dialog.isVisible()).toBe(true);
    // What share of each answer the window shows, as an IntersectionObserver measures it (1: all of it).
    for (const name of ['Accept all', 'Reject all']) {
      const ratio = await dialog.getByRole('button', { name }).evaluate(
        (el) => new Promise<number>((resolve) => new IntersectionObserver(([entry], observer) => (observer.disconnect(), resolve(entry!.intersectionRatio))).observe(el)),
      );
      expect(ratio, name).toBe(1);
    }
    // Shown without scrolling, and nothing collected meanwhile.
    expect(await page.evaluate(() => scrollY)).toBe(0);
    expect(collected()).toEqual([]);
  });

  it('at 320 x 640, Accept all and Reject all are both fully visible without sideways scrolling', async () => {
    await env.context.close();
    env.context = await env.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await open('/');
    const dialog = await banner(page);
    for (const name of ['Accept all', 'Reject all']) {
      const box = (await dialog.getByRole('button', { name }).boundingBox())!;
      expect(box.x, name).toBeGreaterThanOrEqual(0);
      expect(box.y, name).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, name).toBeLessThanOrEqual(320);
      expect(box.y + box.height, name).toBeLessThanOrEqual(640);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.evaluate(() => (window as unknown as { consent: { showPreferences(): void } }).consent.showPreferences());
    const preferences = page.getByRole('dialog', { name: 'Privacy settings' });
    const box = (await preferences.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(320);
    expect(await preferences.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // A prompt whose yes names a long purpose wraps it onto two lines at this width: the no is as large (CHO-02).
    await preferences.getByRole('button', { name: 'Reject all' }).click();
    await page.evaluate(() => void (window as unknown as { consent: { require(id: string, options: object): Promise<void> } }).consent.require('personalisation', { ask: true }).catch(() => undefined));
    const prompt = page.getByRole('dialog', { name: 'Allow Personalised recommendations?' });
    const [no, yes] = await Promise.all(['Don’t allow', 'Allow Personalised recommendations'].map((name) => prompt.getByRole('button', { name }).boundingBox()));
    expect(yes!.height, 'the yes wraps').toBeGreaterThan(50);
    expect([no!.width, no!.height]).toEqual([yes!.width, yes!.height]);
  });

  it('at 320 x 640 with twenty purposes, the banner stays non-modal (at most 80% of the window): its text scrolls, and Accept all, Reject all and each focused link stay in view', async () => {
    await env.context.close();
    env.context = await env.browser.newContext({ viewport: { width: 320, height: 640 } });
    const titles = ['Audience measurement', 'Ad measurement', 'Social sharing', 'Maps', 'Live chat', 'A/B testing', 'Session recording', 'Newsletter tracking', 'Affiliate tracking', 'Push notifications', 'Customer surveys', 'Heatmaps', 'Error reporting', 'Retargeting', 'Market research'];
    const more = titles.map((title, i) => JSON.stringify({ id: `extra-${i}`, title, description: `${title} of your visits.`, data: ['pages visited'], retention: '6 months' }));
    await rewriteHome('"purposes": [', `"purposes": [${more.join(',')},`);
    const page = await open('/');
    const dialog = await banner(page);
    const box = (await dialog.boundingBox())!;
    expect(box.height).toBeLessThanOrEqual(0.8 * 640 + 1);
    const inView = (name: string) =>
      dialog.getByRole(name.includes('@') || name == 'Privacy policy' ? 'link' : 'button', { name }).evaluate((el, banner) => {
        const r = el.getBoundingClientRect();
        // Fully inside the banner and the window, and on top there (not behind the answers).
        const top = (el.getRootNode() as ShadowRoot).elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return r.top >= banner.y && r.bottom <= banner.y + banner.height && r.bottom <= innerHeight && (top == el || el.contains(top));
      }, box);
    expect(await inView('Accept all')).toBe(true);
    expect(await inView('Reject all')).toBe(true);
    for (const link of ['privacy@lantern.example', 'Privacy policy']) {
      await dialog.getByRole('link', { name: link }).focus();
      expect(await inView(link), link).toBe(true);
    }
  });

  it('at 320 x 640, neither the open banner nor then "Privacy settings" ever hides the page control that has keyboard focus (WCAG 2.4.11, A11Y-07)', async () => {
    await env.context.close();
    env.context = await env.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await open('/');
    const dialog = await banner(page);
    // Not a cookie wall: it leaves part of the page in view, yet covers most of it at this width.
    const height = (await dialog.boundingBox())!.height;
    expect(height).toBeGreaterThan(320);
    expect(height).toBeLessThanOrEqual(0.8 * 640);
    // A keyboard user on the page: from its first link, Tab through every page control up to Optin's own.
    const walk = async () => {
      await page.locator('a').first().focus();
      const seen: { name: string; covered: boolean }[] = [];
      for (let step = 0; step < 100; step++) {
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el == document.body || el.localName == 'optin-consent') return undefined;
          const box = el.getBoundingClientRect();
          const points = [[box.left + 1, box.top + 1], [box.right - 1, box.bottom - 1], [box.left + box.width / 2, box.top + box.height / 2]];
          // Entirely hidden: every point of it shows Optin's host (or lies outside the window).
          const covered = points.every(([x, y]) => (document.elementFromPoint(x!, y!)?.localName ?? 'optin-consent') == 'optin-consent');
          return { name: `${el.localName} ${el.textContent?.trim().slice(0, 30)}`, covered };
        });
        if (!focused) break;
        seen.push(focused);
        await page.keyboard.press('Tab');
      }
      expect(seen.length, 'page controls reached by Tab').toBeGreaterThan(5);
      expect(seen.filter((f) => f.covered)).toEqual([]);
    };
    await walk();
    // Answered, the banner leaves; the small button that stays takes its place at the bottom, and gets room too.
    await dialog.getByRole('button', { name: 'Reject all' }).click();
    await dialog.waitFor({ state: 'detached' });
    const fab = page.getByRole('button', { name: 'Privacy settings' }).last();
    await expect.poll(() => page.evaluate(() => document.documentElement.style.scrollPaddingBottom)).toBe(`${Math.round((await fab.boundingBox())!.height) + 16}px`);
    await walk();
  });

  it.each([
    ['a page that scrolls', ''],
    // The document does not scroll, an element of the page does: <html>'s scroll padding does not reach it.
    ['an app shell', '<style>html,body{height:100%;overflow:hidden}.shell{height:100%;overflow:auto}</style><div class="shell">$1</div>'],
  ])('at 320 x 640, on %s, no page control that takes keyboard focus while the banner shows is covered by it at all (WCAG 2.4.11, A11Y-07)', async (_, shell) => {
    await env.context.close();
    env.context = await env.browser.newContext({ viewport: { width: 320, height: 640 } });
    if (shell) await rewriteHome(/<body>([\s\S]*)<\/body>/, `<body>${shell}</body>`);
    const page = await open('/');
    const dialog = await banner(page);
    const top = (await dialog.boundingBox())!.y;
    await page.locator('a').first().focus();
    const seen: string[] = [];
    for (let step = 0; step < 100; step++) {
      const focused = await page.evaluate((top) => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el == document.body || el.localName == 'optin-consent') return undefined;
        const box = el.getBoundingClientRect();
        // In the window, and wholly above the banner's top edge.
        return `${el.localName} ${el.textContent?.trim().slice(0, 30)}${box.top >= 0 && box.bottom <= top ? '' : ` covered: ${Math.round(box.top)}..${Math.round(box.bottom)}`}`;
      }, top);
      if (!focused) break;
      seen.push(focused);
      await page.keyboard.press('Tab');
    }
    expect(seen.length, 'page controls reached by Tab').toBeGreaterThan(5);
    expect(seen.filter((name) => name.includes(' covered: '))).toEqual([]);
    // Answered, the banner leaves: focus is back on the page control it came from, still in the window, and the app's
    // scrolling element has its own bottom padding back.
    await page.locator('#credit-check').focus();
    await dialog.getByRole('button', { name: 'Reject all' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => {
      const box = document.activeElement!.getBoundingClientRect();
      return `${document.activeElement!.textContent} ${box.top >= 0 && box.bottom <= innerHeight ? 'in view' : Math.round(box.top)}`;
    })).toBe('Check my credit score in view');
    expect(await page.evaluate(() => document.querySelector<HTMLElement>('.shell')?.style.paddingBottom ?? '')).toBe('');
  });

  it.each([
    [320, 640],
    [640, 400],
    [320, 256],
    [1280, 800],
  ])('at %i x %i, every control of the preferences is fully in view when it has keyboard focus, and a short window keeps a short banner (WCAG 2.4.11, 1.4.10)', async (width, height) => {
    const { page, dialog, preferences } = await windowOf(width, height);
    // Not a wall on a short window (a phone held sideways, 200% zoom): at most half of it.
    if (height <= 480) expect((await dialog.boundingBox())!.height).toBeLessThanOrEqual(height / 2 + 1);
    await preferences();
    const seen = new Map<string, boolean>();
    // Forward through every control and round again, then backward: scrolling differs by direction.
    for (const key of [...Array<string>(40).fill('Tab'), ...Array<string>(40).fill('Shift+Tab')]) {
      await page.keyboard.press(key);
      const focused = await page.evaluate(() => {
        const root = document.querySelector('optin-consent')!.shadowRoot!;
        const el = root.activeElement as HTMLElement | null;
        if (!el) return undefined;
        // The middle of each edge, just inside (a round control's corners are not part of it when hit-testing), of
        // each of its boxes: a link that wraps (an e-mail address at 320 px) has one per line.
        const edges = [...el.getClientRects()].flatMap((box) => {
          const [x, y] = [(box.left + box.right) / 2, (box.top + box.bottom) / 2];
          return [[x, box.top + 4], [x, box.bottom - 4], [box.left + 4, y], [box.right - 4, y]];
        });
        // Fully in view: each point shows the control itself (not the heading or the answers over it).
        const visible = edges.every(([x, y]) => {
          const hit = root.elementFromPoint(x!, y!);
          return !!hit && (hit == el || el.contains(hit));
        });
        return { name: `${el.localName} ${(el.getAttribute('aria-labelledby') && root.getElementById(el.getAttribute('aria-labelledby')!)?.textContent) || el.textContent?.trim().slice(0, 30)}`, visible };
      });
      if (focused) seen.set(focused.name, (seen.get(focused.name) ?? true) && focused.visible);
    }
    expect(seen.size, 'controls reached by Tab').toBeGreaterThan(8);
    expect([...seen].filter(([, visible]) => !visible).map(([name]) => name)).toEqual([]);
  });

  it.each([
    [1280, 800],
    [320, 640],
    [568, 320],
  ])('at %i x %i, no scrolling box cuts the focus ring of the control focused in the preferences (WCAG 2.4.7, A11Y-07)', async (width, height) => {
    const { page, preferences } = await windowOf(width, height);
    await preferences();
    const cut = new Set<string>();
    for (const key of [...Array<string>(25).fill('Tab'), ...Array<string>(25).fill('Shift+Tab')]) {
      await page.keyboard.press(key);
      const found = await page.evaluate(() => {
        const el = document.querySelector('optin-consent')!.shadowRoot!.activeElement as HTMLElement | null;
        if (!el) return null;
        const style = getComputedStyle(el);
        // The ring reaches outline-width + outline-offset beyond the control.
        const ring = style.outlineStyle == 'none' ? 0 : parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
        const box = el.getBoundingClientRect();
        for (let box2 = el.parentElement; box2; box2 = box2.parentElement) {
          const s = getComputedStyle(box2);
          if (s.overflowX == 'visible' && s.overflowY == 'visible') continue;
          const top = box2.getBoundingClientRect().top + box2.clientTop;
          if (box.top - ring < top - 0.5 || box.bottom + ring > top + box2.clientHeight + 0.5) return `${el.localName} "${el.textContent?.trim().slice(0, 20)}" cut by .${box2.className.replace(/ /g, '.')}`;
        }
        return null;
      });
      if (found) cut.add(found);
    }
    expect([...cut]).toEqual([]);
  });
});

describe('modal layers keep their scrolling to themselves', () => {
  it.each([
    [1280, 800],
    [640, 400],
  ])('at %i x %i, the wheel past the end of the preferences does not scroll the page behind them', async (width, height) => {
    const { page, preferences } = await windowOf(width, height);
    await preferences();
    // What scrolls in the dialog: its content, or in a short window the whole dialog (it scrolls whole there).
    const handle = await page.getByRole('dialog', { name: 'Privacy settings' }).evaluateHandle((dialog) => (dialog.scrollHeight > dialog.clientHeight ? dialog : dialog.querySelector('.body')!));
    expect(await handle.evaluate((el) => el.scrollHeight > el.clientHeight + 100), 'the dialog has content to scroll').toBe(true);
    expect(await handle.evaluate((el) => getComputedStyle(el).overscrollBehaviorY)).toBe('contain');
    expect(await page.evaluate(() => document.documentElement.scrollHeight > innerHeight + 200), 'the page behind can scroll').toBe(true);
    const box = await handle.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + Math.min(r.height / 2, 60) };
    });
    await page.mouse.move(box.x, box.y);
    // Down to the end of the dialog's content, and well past it.
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 400);
    await expect.poll(() => handle.evaluate((el) => Math.ceil(el.scrollTop + el.clientHeight) >= el.scrollHeight - 1)).toBe(true);
    await idle(300);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 400);
    await idle(300);
    expect(await page.evaluate(() => scrollY)).toBe(0);
  });
});

describe('reflow, text size and text spacing (A11Y-09: WCAG 1.4.10, 1.4.4, 1.4.12)', () => {
  it('at 320 x 640 with 200% text and the text-spacing overrides, no layer is cut off or scrolls sideways, and its answers are reachable', async () => {
    await env.context.close();
    env.context = await env.browser.newContext({ viewport: { width: 320, height: 640 }, reducedMotion: 'reduce' });
    const page = await open('/');
    // 200% text: the browser's own text size setting (16 → 32 px), which the dialogs follow through `all: initial`.
    await (await env.context.newCDPSession(page)).send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
    const dialog = await banner(page);
    expect(parseFloat(await dialog.evaluate((el) => getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(28);
    // WCAG 1.4.12's values, as a user style sheet would set them: in the page and in the dialogs' shadow root.
    await page.evaluate(() => {
      const spacing = '*{line-height:1.5!important;letter-spacing:.12em!important;word-spacing:.16em!important}p{margin-bottom:2em!important}';
      for (const root of [document, document.querySelector('optin-consent')!.shadowRoot!]) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(spacing);
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      }
    });
    expect(await dialog.locator('p').first().evaluate((el) => getComputedStyle(el).letterSpacing)).not.toBe('normal');

    /** What of the layer `selector` is cut off: boxes beyond it or the window's width, clipped or sideways-scrolling content. */
    const cutOff = (selector: string) =>
      page.evaluate((selector) => {
        const layer = document.querySelector('optin-consent')!.shadowRoot!.querySelector(selector)!;
        const edge = layer.getBoundingClientRect();
        const found: string[] = [];
        for (const el of [layer, ...layer.querySelectorAll('*')]) {
          const box = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          const name = `${el.localName}.${el.className} "${el.textContent.trim().slice(0, 24)}"`;
          if (!box.width && !box.height) continue;
          if (box.left < Math.max(edge.left, 0) - 0.5 || box.right > Math.min(edge.right, innerWidth) + 0.5) found.push(`${name} reaches ${Math.round(box.left)}..${Math.round(box.right)}`);
          // Scrolling down is reflow; sideways, or content hidden by overflow, is not.
          if (style.overflowX != 'visible' && el.scrollWidth > el.clientWidth + 1) found.push(`${name} scrolls sideways`);
          if (['hidden', 'clip'].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1) found.push(`${name} clips its text`);
        }
        return found;
      }, selector);
    /** Each answer, scrolled to, is wholly in the window and on top there, and the answers look alike. */
    const reachable = async (layer: Locator, names: string[]) => {
      const looks = [];
      for (const name of names) {
        const button = layer.getByRole('button', { name, exact: true });
        await button.scrollIntoViewIfNeeded();
        looks.push(
          await button.evaluate((el) => {
            const box = el.getBoundingClientRect();
            const points = [[box.left + 2, box.top + 2], [box.right - 2, box.bottom - 2], [(box.left + box.right) / 2, (box.top + box.bottom) / 2]];
            const hit = points.every(([x, y]) => el.contains((el.getRootNode() as ShadowRoot).elementFromPoint(x!, y!)));
            const style = getComputedStyle(el);
            const inWindow = box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight;
            // The same size too (CHO-02): a yes that wraps onto more lines must not stand out taller than the no.
            return { shown: inWindow && hit, width: Math.round(box.width), height: Math.round(box.height), font: style.font, color: style.color, background: style.backgroundColor };
          }),
        );
        expect(looks.at(-1)!.shown, `${name} in view once scrolled to`).toBe(true);
      }
      expect(looks[1], `${names[1]} looks as ${names[0]}`).toEqual(looks[0]);
    };

    expect(await cutOff('.banner')).toEqual([]);
    await reachable(dialog, ['Accept all', 'Reject all']);
    await page.evaluate(() => (window as unknown as { consent: { showPreferences(): void } }).consent.showPreferences());
    const preferences = page.getByRole('dialog', { name: 'Privacy settings' });
    await preferences.waitFor();
    expect(await cutOff('.prefs')).toEqual([]);
    await reachable(preferences, ['Reject all', 'Accept all']);
    await preferences.getByRole('button', { name: 'Reject all' }).click();
    await page.locator('#credit-check').click();
    const prompt = page.getByRole('dialog', { name: 'Allow Credit scoring?' });
    await prompt.waitFor();
    expect(await cutOff('.prompt')).toEqual([]);
    await reachable(prompt, ['Don’t allow', 'Allow Credit scoring']);
    await page.keyboard.press('Escape');
    expect(await cutOff('.fab')).toEqual([]);
  });
});

describe('blocked embeds (blank-clone unload)', () => {
  it.each([
    ['a blocked iframe with srcdoc (a click-to-load facade)', ''],
    ['a sandboxed srcdoc facade (opaque origin)', ' sandbox="allow-scripts"'],
  ])('%s is not replaced again and again', async (_, sandbox) => {
    const page = await open('/');
    await banner(page);
    const replaced = await page.evaluate(async (sandbox) => {
      let count = 0;
      new MutationObserver((list) => {
        for (const m of list) for (const n of m.addedNodes) if ((n as Element).localName == 'iframe') count++;
      }).observe(document.body, { childList: true, subtree: true });
      document.body.insertAdjacentHTML('beforeend', `<iframe${sandbox} data-consent="video" data-src="/collect/video/embed" srcdoc="<p>Video: click to load</p>" title="Video"></iframe>`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return count;
    }, sandbox);
    // Inserted once by the page; the frame loads its srcdoc, and that is not a reason to unload it for ever.
    expect(replaced).toBe(1);
  });
});

describe('room for "Privacy settings" (WCAG 2.4.11)', () => {
  it('keeps the page’s own larger scroll-padding-bottom once the banner is answered', async () => {
    const page = await open('/');
    // The page's own sticky footer is 100px tall: it keeps focused controls clear of it with scroll padding.
    const own = await page.evaluate(() => {
      document.head.insertAdjacentHTML('beforeend', '<style>html{scroll-padding-bottom:120px}</style>');
      // Measured without the banner's inline room, which is larger while it is open.
      const inline = document.documentElement.style.scrollPaddingBottom;
      document.documentElement.style.scrollPaddingBottom = '';
      const value = getComputedStyle(document.documentElement).scrollPaddingBottom;
      document.documentElement.style.scrollPaddingBottom = inline;
      return value;
    });
    expect(own).toBe('120px');
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    await idle(300);
    // Before this change the page got its 120px back once the banner was answered; now 52px stay for good.
    const after = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom));
    expect(after).toBeGreaterThanOrEqual(120);
  });

  it('no longer pushes apart page content added after it: the spacer ends the page only while it is last', async () => {
    const page = await open('/');
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    await idle(300);
    // The app renders more of the page later, after Optin's host (a lazy footer, an infinite list).
    const gap = await page.evaluate(async () => {
      document.body.insertAdjacentHTML('beforeend', '<footer id="late" style="height:40px">More</footer>');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return document.querySelector('optin-consent')!.getBoundingClientRect().height;
    });
    // The host (its spacer) now sits between the page's content: 52px of empty page before the late footer.
    expect(gap).toBe(0);
  });
});

/** The demo with its banner answered, so "Privacy settings" floats over the page. */
async function withFab() {
  const page = await open('/');
  await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
  await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
  await idle(300);
  return page;
}

describe('room for "Privacy settings": the page’s own scroll padding', () => {
  it('keeps a larger scroll-padding-bottom the page gives as a percentage', async () => {
    const page = await open('/');
    // 25% of the 800px viewport: 200px, kept clear for the page's own sticky footer.
    await page.evaluate(() => document.head.insertAdjacentHTML('beforeend', '<style>html{scroll-padding-bottom:25%}</style>'));
    await (await banner(page)).getByRole('button', { name: 'Reject all' }).click();
    await page.getByRole('button', { name: 'Privacy settings' }).last().waitFor();
    await idle(300);
    const value = await page.evaluate(() => getComputedStyle(document.documentElement).scrollPaddingBottom);
    // Read as "25" (px) by parseFloat, it lost to the button's 52px: the page's 200px are gone.
    expect(value == '25%' || parseFloat(value) >= 200, `scroll-padding-bottom is ${value}`).toBe(true);
  });
});

describe('room for "Privacy settings": a page whose <body> changes all the time', () => {
  it('does not rewrite the page’s <html> style on every child added to or removed from <body>', async () => {
    const page = await withFab();
    const writes = await page.evaluate(async () => {
      let count = 0;
      new MutationObserver((list) => (count += list.length)).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
      // A tooltip library: a node appended to <body> and removed again, 100 times (fixed, so it never ends the page).
      for (let i = 0; i < 100; i++) {
        const tip = document.createElement('div');
        tip.style.position = 'fixed';
        document.body.append(tip);
        await new Promise((resolve) => setTimeout(resolve, 0));
        tip.remove();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return count;
    });
    // Nothing about the room changed, yet each of the 200 mutations wrote <html style> twice (and forced a layout).
    expect(writes).toBe(0);
  });
});

describe('a double click (CHO-05: consent only by a deliberate act)', () => {
  const states = (page: Page) =>
    page.evaluate(() => Object.fromEntries(['analytics', 'personalisation', 'credit-scoring'].map((id) => [id, (window as unknown as { consent: { state(id: string): string } }).consent.state(id)])));
  /** Double-clicks the middle of `target` with the real mouse (two clicks at one place, the second with detail 2). */
  const doubleClick = async (target: Locator) => {
    const box = (await target.boundingBox())!;
    await target.page().mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await idle(300);
  };

  it('the second click never answers the layer that the first one opened or uncovered: "Don’t allow" over the preferences grants nothing, Customize or "Privacy settings" decides nothing', async () => {
    // 320 x 640: the prompt over the preferences fills the window as they do, and its "Don’t allow" sits where their
    // "Accept all" is.
    const first = await windowOf(320, 640);
    let page = first.page;
    await first.preferences();
    await page.getByRole('dialog', { name: 'Privacy settings' }).getByRole('switch', { name: 'Credit scoring' }).click();
    await doubleClick(page.getByRole('dialog', { name: 'Allow Credit scoring?' }).getByRole('button', { name: 'Don’t allow' }));
    expect(await states(page)).toEqual({ analytics: 'undecided', personalisation: 'undecided', 'credit-scoring': 'denied' });
    expect(await page.getByRole('dialog', { name: 'Privacy settings' }).isVisible()).toBe(true);

    // The banner's Customize opens the preferences under the pointer: their "Save choices" is there.
    let dialog;
    ({ page, dialog } = await windowOf(1280, 800));
    await doubleClick(dialog.getByRole('button', { name: 'Customize' }));
    expect(await states(page)).toEqual({ analytics: 'undecided', personalisation: 'undecided', 'credit-scoring': 'undecided' });
    expect(await page.getByRole('dialog', { name: 'Privacy settings' }).isVisible()).toBe(true);

    // "Privacy settings" at the bottom left, after Accept all: the preferences' "Reject all" is there at 800 x 600.
    ({ page, dialog } = await windowOf(800, 600));
    await dialog.getByRole('button', { name: 'Accept all' }).click();
    await doubleClick(page.getByRole('button', { name: 'Privacy settings' }).last());
    expect(await states(page)).toMatchObject({ analytics: 'granted', personalisation: 'granted' });
    expect(await page.getByRole('dialog', { name: 'Privacy settings' }).isVisible()).toBe(true);
  });
});

describe('blocked embeds with srcdoc: a yes loads the embed', () => {
  it('a srcdoc facade gives way to the embed once its purpose is granted, adding no history entry', async () => {
    const page = await open('/');
    await banner(page);
    const { shown, added } = await page.evaluate(async () => {
      document.body.insertAdjacentHTML('beforeend', '<iframe id="facade" data-consent="video" data-src="/collect/video/embed?facade" srcdoc="<p>Video: click to load</p>" title="Video"></iframe>');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const entries = history.length;
      await (window as unknown as { consent: { decide: (c: object) => Promise<void> } }).consent.decide({ video: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const frame = document.getElementById('facade') as HTMLIFrameElement;
      return { shown: frame.contentWindow!.location.href, added: history.length - entries };
    });
    // srcdoc wins over src; and navigating away from the facade's document would add an entry (Back: the facade).
    expect(shown).toContain('/collect/video/embed?facade');
    expect(added).toBe(0);
  });
});

// Messy real-world pages: nothing may reach the page as an uncaught error (checked after each test), and
// "Privacy settings" stays reachable.
describe('messy host pages', () => {
  it('a site that swaps the whole <body> (Turbo) keeps "Privacy settings" on the new page', async () => {
    const page = await open('/');
    const dialog = await banner(page);
    await dialog.getByRole('button', { name: 'Reject all' }).click();
    await page.evaluate(() => {
      const next = document.createElement('body');
      next.innerHTML = '<main><h1>Next article</h1></main>';
      document.body.replaceWith(next);
    });
    await page.getByRole('button', { name: 'Privacy settings' }).click({ timeout: 2000 });
    await page.getByRole('dialog', { name: 'Privacy settings' }).waitFor({ timeout: 2000 });
  });

  it('markup named "currentScript" (DOM clobbering) cannot give Optin another config: the banner asks for the site', async () => {
    // Markup a site lets through (a comment, a CMS block): browsers expose <img name="currentScript"> as
    // document.currentScript, here with the data-config of a config that names someone else.
    let forgedAsked = false;
    await env.context.route(/\/forged-optin\.json$/, async (route) => {
      forgedAsked = true;
      const response = await route.fetch({ url: new URL('/optin-config.json', env.server.url).href });
      await route.fulfill({ response, body: (await response.text()).replace('Daily Lantern Ltd.', 'Forged Ltd.') });
    });
    await rewriteHome('<body>', '<body><img name="currentScript" data-config="/forged-optin.json" alt="" src="/favicon.svg">');
    const page = await open('/');
    const dialog = await banner(page);
    expect(await dialog.textContent()).toContain('Daily Lantern Ltd. asks for your consent');
    expect(forgedAsked).toBe(false);
  });

  it('markup named "baseURI" (DOM clobbering) does not stop Optin reading its config from a file (data-config)', async () => {
    // The privacy page's install: the config from a path of the site. Browsers expose <img name="baseURI"> as
    // document.baseURI, against which no path resolves.
    await rewriteHome(/<script src="\/optin.global.js" defer>([^]*)<body>/, '<script src="/optin.global.js" data-config="/optin-config.json" defer>$1<body><img name="baseURI" alt="" src="/favicon.svg">');
    const page = await open('/');
    const dialog = await banner(page);
    expect(await dialog.textContent()).toContain('Daily Lantern Ltd. asks for your consent');
  });

  it.each(['gtag', 'dataLayer'])('an element with id="%s" (DOM clobbering) does not keep the Consent Mode default from Google’s tags', async (id) => {
    // Browsers expose an element by its id on window: window.gtag (or dataLayer) was this <div>, which Optin took for
    // Google's own and called (or pushed to) in vain.
    await rewriteHome(/"purposes": \[([^]*)<body>/, `"consentMode": { "analytics": ["analytics_storage"], "marketing": ["ad_storage"] }, "purposes": [$1<body><div id="${id}"></div>`);
    const page = await open('/');
    await banner(page);
    // What a Google tag loaded now would read: the default, every mapped type denied.
    const commands = await page.evaluate(() => Array.from((window as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer, (entry) => Array.from(entry)));
    expect(commands).toEqual([['consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied', wait_for_update: 500 }]]);
  });

  it.each(['querySelectorAll', 'getElementById', 'createElement', 'cookie'])('markup named "%s" (DOM clobbering) does not keep the Consent Mode default from Google’s tags', async (name) => {
    // Markup a site lets through (a comment, a CMS block): browsers expose <form name="…"> as that member of document.
    // Without the demo's app.js, whose own calls of these members would throw.
    await rewriteHome(/"purposes": \[([^]*)<script src="\/app.js" defer><\/script>([^]*)<body>/, `"consentMode": { "analytics": ["analytics_storage"] }, "purposes": [$1$2<body><form name="${name}"></form>`);
    const page = await open('/');
    expect(await page.evaluate((n) => String((document as unknown as Record<string, unknown>)[n]), name)).toBe('[object HTMLFormElement]');
    await until(() => page.evaluate(() => 'dataLayer' in window), 'the dataLayer');
    const commands = await page.evaluate(() => Array.from((window as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer, (entry) => Array.from(entry)));
    expect(commands[0]).toEqual(['consent', 'default', { analytics_storage: 'denied', wait_for_update: 500 }]);
  });

  it.each(['createElement', 'createElementNS', 'createTextNode', 'body', 'addEventListener', 'removeEventListener', 'querySelectorAll'])(
    'markup named "%s" (DOM clobbering) keeps neither the banner away nor a yes from what it allows, and throws nothing into the page',
    async (name) => {
      // Browsers expose <img name="…"> as that member of document: <img name="body"> held the dialogs, invisible;
      // "createElement" kept them away, as did "createElementNS" and "createTextNode" (Preact's); "addEventListener"
      // left the banner without effect, and "querySelectorAll" a yes without its script; "removeEventListener" threw
      // into the page once the banner was answered. Without the demo's app.js, whose own calls of these would throw.
      await rewriteHome(/<script src="\/app.js" defer><\/script>([^]*)<body>/, `$1<body><img name="${name}" alt="" src="/favicon.svg">`);
      const page = await open('/');
      expect(await page.evaluate((n) => String((document as unknown as Record<string, unknown>)[n]), name)).toBe('[object HTMLImageElement]');
      const dialog = await banner(page);
      await dialog.getByRole('button', { name: 'Accept all' }).click();
      // The declared tracker runs after the yes, and the embed has its button to ask for its own.
      await until(() => hits('analytics') >= 2, 'the declared analytics tracker and its page view');
      expect(await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).isVisible()).toBe(true);
    },
  );

  it('in a browser without constructed stylesheets (Safari before 16.4), markup named "createElement" (DOM clobbering) does not keep the banner away', async () => {
    // There the dialogs' stylesheet is a <style> element, which document.createElement made: <img name="createElement">
    // is that member of document, and the dialogs were never drawn.
    await env.context.addInitScript(() => delete (CSSStyleSheet.prototype as Partial<CSSStyleSheet>).replaceSync);
    await rewriteHome(/<script src="\/app.js" defer><\/script>([^]*)<body>/, '$1<body><img name="createElement" alt="" src="/favicon.svg">');
    const page = await open('/');
    const dialog = await banner(page);
    // Styled as anywhere else: fixed to the bottom of the window, not in the flow of the page.
    expect(await dialog.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
  });

  it('markup named "cookie" (DOM clobbering) does not keep a no from clearing the purpose’s cookies', async () => {
    // <img name="cookie"> is document.cookie: writing the expired cookies there threw, and the tracker's cookie stayed
    // after Reject all. The cookie as the analytics tracker left it on an earlier visit; the session cookie is none of
    // the purpose's, so it stays.
    await env.context.addCookies([
      { name: '_lantern_stats', value: 'visitor-1', url: env.server.url },
      { name: 'session', value: 'keep', url: env.server.url },
    ]);
    await rewriteHome(
      /"hosts": \["stats.lantern.example"\]([^]*)<script src="\/app.js" defer><\/script>([^]*)<body>/,
      '"hosts": ["stats.lantern.example"], "storage": ["_lantern_stats"]$1$2<body><img name="cookie" alt="" src="/favicon.svg">',
    );
    const page = await open('/');
    const dialog = await banner(page);
    await dialog.getByRole('button', { name: 'Reject all' }).click();
    const names = async () => (await env.context.cookies()).map((cookie) => cookie.name);
    await until(async () => !(await names()).includes('_lantern_stats'), 'the analytics cookie to be cleared');
    expect(await names()).toEqual(['session']);
  });

  it.each(['readyState', 'addEventListener'])('a script tag without defer after markup named "%s" (DOM clobbering) still waits for its config and shows the banner', async (name) => {
    // Optin's tag in <body>, without defer, after the markup and before the config: it must wait for the page to be
    // parsed. <img name="readyState"> said it was (the config was not found yet); "addEventListener" threw.
    await rewriteHome(
      /(<script type="application\/json" id="optin-config">[^]*?<\/script>)([^]*)<script src="\/optin.global.js" defer><\/script>\s*<script src="\/app.js" defer><\/script>([^]*)<body>/,
      `$2$3<body><img name="${name}" alt="" src="/favicon.svg"><script src="/optin.global.js"></script>$1`,
    );
    const page = await open('/');
    const dialog = await banner(page);
    expect(await dialog.textContent()).toContain('Daily Lantern Ltd. asks for your consent');
  });

  it('an embed whose data-src is relative to a <base href> (../collect/video/embed) loads after its yes', async () => {
    // A site under a section that sets <base href> writes its own embeds' paths relative to it, as for any link.
    await rewriteHome(/<head>([^]*)data-src="\/collect\/video\/embed"/, '<head><base href="/news/">$1data-src="../collect/video/embed"');
    const page = await open('/');
    await banner(page);
    await page.getByRole('button', { name: 'Show content that needs your consent for “Embedded video”' }).click();
    await page.getByRole('dialog', { name: 'Allow Embedded video?' }).getByRole('button', { name: 'Allow Embedded video' }).click();
    await until(() => hits('video') == 1, 'the video embed to load from /collect/video/embed');
    expect(collected()).toContain('video /collect/video/embed');
  });

  it.each([
    ['a server locale name (zh_CN)', '<html lang="zh_CN">', '<body>'],
    ['zh-CN, and markup named "documentElement" (DOM clobbering)', '<html lang="zh-CN">', '<body><img name="documentElement" alt="" src="/favicon.svg">'],
  ])('a Chinese page whose <html lang> is %s asks in Chinese, in an English-speaking browser too', async (_, html, body) => {
    await rewriteHome(/<html lang="en">([^]*)<body>/, `${html}$1${body}`);
    const page = await open('/');
    const dialog = await banner(page);
    expect(await dialog.getByRole('heading').first().textContent()).toBe('您的隐私选择');
    expect(await dialog.getByRole('button', { name: '全部拒绝' }).isVisible()).toBe(true);
  });

  it('a frame named "consent" from another origin above the stub (window.consent is its window, which throws on any read): the banner shows and the page’s gated calls work, with no uncaught error', async () => {
    // A partner's iframe, as a site that moved from another consent tool may still carry; sandboxed, so another origin.
    await rewriteHome('<link rel="stylesheet" href="/site.css">', '$&<iframe name="consent" sandbox srcdoc="<p>Partner offers</p>" title="Partner offers"></iframe>');
    const page = await open('/');
    const logged: string[] = [];
    page.on('console', (message) => void (message.type() != 'log' && logged.push(message.text())));
    const dialog = await banner(page);
    await dialog.getByRole('button', { name: 'Accept all' }).click();
    expect(await page.evaluate(() => (window as unknown as { consent: { require(id: string): Promise<unknown> } }).consent.require('analytics').then(() => 'granted'))).toBe('granted');
    await until(() => hits('analytics') > 0, 'the demo’s gated analytics call');
    expect(logged).toEqual([]);
  });

  it('a webview without requestAnimationFrame still shows the banner, with no uncaught error', async () => {
    await env.context.addInitScript(() => {
      delete (window as { requestAnimationFrame?: unknown }).requestAnimationFrame;
    });
    const page = await open('/');
    const dialog = await banner(page);
    expect(await dialog.getByRole('button', { name: 'Reject all' }).isVisible()).toBe(true);
  });
});

describe('declared scripts in the module / nomodule pattern', () => {
  it('a granted nomodule script (skipped by a browser that runs modules, with no load or error event) does not hold the inline scripts after it for ever', async () => {
    const page = await open('/');
    await banner(page);
    await page.evaluate(() => {
      document.body.insertAdjacentHTML(
        'beforeend',
        '<script type="text/plain" data-consent="analytics" data-type="module" src="/trackers/analytics.js?module"></script>' +
          '<script type="text/plain" data-consent="analytics" nomodule src="/trackers/analytics.js?legacy"></script>' +
          '<script type="text/plain" data-consent="analytics">window.configured = true</script>',
      );
    });
    await page.getByRole('button', { name: 'Accept all' }).click();
    // The module build loads; the tag's inline configuration after the pair must run too.
    await until(() => page.evaluate(() => (window as unknown as { configured?: true }).configured === true), 'the inline script after the module / nomodule pair');
  });
});

describe('an upgrade of the database blocked by another tab (PRE-04)', () => {
  type Api = { consent: { ready: Promise<void>; state(id: string): string; decideAll(granted: boolean): Promise<void>; withdraw(): Promise<void>; on(event: 'error', listener: (e: { code: string }) => void): void } };
  it('a withdrawal made while it is blocked does not bring the yes back once the tab is closed and the block ends', { timeout: 30_000 }, async () => {
    const page = await open('/');
    await page.evaluate(() => (window as unknown as Api).consent.decideAll(true));
    expect(await page.evaluate(() => (window as unknown as Api).consent.state('analytics'))).toBe('granted');
    // Another tab holds the database open and does not let go on `versionchange` (a site's own script, an older
    // page), while a third asks for a newer version: the upgrade waits, and every open of the database waits behind it.
    const holder = await open('/privacy.html');
    await holder.evaluate(() => new Promise((resolve) => (indexedDB.open('optin').onsuccess = (e) => resolve(void ((window as unknown as { held: unknown }).held = (e.target as IDBOpenDBRequest).result)))));
    const upgrader = await open('/privacy.html');
    await upgrader.evaluate(() => new Promise((resolve) => (indexedDB.open('optin', 7).onblocked = resolve)));
    // The person withdraws: it holds for this page view (memory), and the page learns why.
    const errors = await page.evaluate(async () => {
      const { consent } = window as unknown as Api;
      const codes: string[] = [];
      consent.on('error', (e) => codes.push(e.code));
      await consent.withdraw();
      return codes;
    });
    expect(errors).toContain('storage');
    expect(await page.evaluate(() => (window as unknown as Api).consent.state('analytics'))).toBe('denied');
    // They close the tab; later the other tabs go too, and the upgrade goes through.
    await page.close();
    await holder.close();
    await upgrader.close();
    await idle(500);
    const later = await open('/');
    await later.evaluate(() => (window as unknown as Api).consent.ready);
    // The withdrawn yes is back: analytics and personalisation run again without a new yes.
    expect(await later.evaluate(() => (window as unknown as Api).consent.state('analytics'))).not.toBe('granted');
    expect(await later.evaluate(() => (window as unknown as Api).consent.state('personalisation'))).not.toBe('granted');
  });
});

// An ad blocker, a 404 or a CSP keeps optin.global.js from ever running: the stub's queued calls then neither grant
// nor throw, and a require() with timeoutMs still rejects when its time is up (README: it counts from the call).
describe('optin.global.js never loads', () => {
  it.each([
    ['blocked by an ad blocker', (route: Route) => route.abort('blockedbyclient')],
    ['answered with a 404', (route: Route) => route.fulfill({ status: 404, body: 'Not found' })],
  ])('%s: a require() with timeoutMs rejects in time, gated calls send nothing, the page sees no error', async (_, answer) => {
    await env.context.route(/\/optin\.global\.js$/, answer);
    await env.context.addInitScript(() => {
      if (window != window.top) return; // the page's embeds have no stub
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      document.addEventListener('DOMContentLoaded', () => {
        const consent = (window as unknown as { consent: { require(id: string, options: object): Promise<void> } }).consent;
        consent.require('credit-scoring', { ask: true, timeoutMs: 300 }).then(
          () => seen.push('granted'),
          (error: { code?: string }) => seen.push(`rejected ${error.code}`),
        );
      });
    });
    const page = await open('/');
    await until(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen.length > 0), 'the require() to settle');
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(['rejected timeout']);
    await idle(300);
    expect(collected()).toEqual([]);
  });

  it('blocked by an ad blocker: a gated function called on every scroll holds 100 calls, not one per scroll', async () => {
    await env.context.route(/\/optin\.global\.js$/, (route) => route.abort('blockedbyclient'));
    const page = await open('/');
    type Held = { consent: { q: [string, unknown[], unknown][]; gate(id: string, fn: () => void): (y: number) => void } };
    const held = await page.evaluate(() => {
      const { consent } = window as unknown as Held;
      const before = consent.q.length;
      // A reading-depth beacon, as a page sends it on every scroll event: an hour of reading.
      const depth = consent.gate('analytics', () => undefined);
      for (let y = 0; y < 100_000; y++) depth(y);
      return consent.q.length - before;
    });
    // Its gate() and the first 100 calls, as many as the real gate() holds by default.
    expect(held).toBe(101);
    expect(collected()).toEqual([]);
  });
});

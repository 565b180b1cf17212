// Review of the blank-clone unload and the floating button's room: cases found failing in real Chromium.
import { describe, expect, it } from 'vitest';
import { banner, open } from './browser.js';

const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('blocked embeds (blank-clone unload)', () => {
  it('a blocked iframe with srcdoc (a click-to-load facade) is not replaced again and again', async () => {
    const page = await open('/');
    await banner(page);
    const replaced = await page.evaluate(async () => {
      let count = 0;
      new MutationObserver((list) => {
        for (const m of list) for (const n of m.addedNodes) if ((n as Element).localName == 'iframe') count++;
      }).observe(document.body, { childList: true, subtree: true });
      document.body.insertAdjacentHTML('beforeend', '<iframe data-consent="video" data-src="/collect/video/embed" srcdoc="<p>Video: click to load</p>" title="Video"></iframe>');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return count;
    });
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

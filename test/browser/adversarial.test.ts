// Messy real-world pages in real Chromium: a site that swaps <body> on each visit, a webview without
// requestAnimationFrame. Nothing may reach the page as an uncaught error (checked after each test), and
// "Privacy settings" stays reachable.
import { describe, expect, it } from 'vitest';
import { banner, env, open } from './browser.js';

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

  it('a webview without requestAnimationFrame still shows the banner, with no uncaught error', async () => {
    await env.context.addInitScript(() => {
      delete (window as { requestAnimationFrame?: unknown }).requestAnimationFrame;
    });
    const page = await open('/');
    const dialog = await banner(page);
    expect(await dialog.getByRole('button', { name: 'Reject all' }).isVisible()).toBe(true);
  });
});

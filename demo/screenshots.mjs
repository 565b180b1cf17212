// `npm run screenshots`: PNGs of the banner, the preferences and the purpose prompt, in English and Chinese, taken
// in the system's Chromium from the demo site, for the README. Chinese text needs a CJK font (Debian:
// fonts-wqy-microhei or fonts-noto-cjk); without one the characters come out as boxes.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`Chromium was not found at ${executablePath}: install it with \`sudo apt-get install -y chromium\`, or set CHROME_PATH.`);
  process.exit(1);
}
const out = new URL('../docs/screenshots/', import.meta.url);
mkdirSync(out, { recursive: true });

const server = await startServer({ port: 0 });
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  for (const lang of ['en', 'zh-CN']) {
    const page = await browser.newPage({ viewport: { width: 960, height: 720 }, reducedMotion: 'reduce' });
    await page.goto(`${server.url}?lang=${lang}`);
    await page.getByRole('dialog').first().waitFor();
    // The banner's focus ring marks where keyboard focus starts; pictures show the dialog at rest.
    await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    const shot = (name) => page.screenshot({ path: new URL(`${name}-${lang}.png`, out).pathname });
    await shot('banner');
    await page.evaluate(() => window.consent.showPreferences());
    await page.getByRole('switch').first().waitFor();
    await shot('preferences');
    await page.keyboard.press('Escape');
    await page.locator('#credit-check').click();
    await page.getByRole('dialog', { name: /Allow|允许/ }).waitFor();
    await shot('prompt');
    await page.close();
  }
  console.log(`Screenshots written to ${out.pathname}`);
} finally {
  await browser.close();
  await server.close();
}

// The page the blocking and embeds tests declare elements in: blockElements started on it, stopped and emptied
// after each test, and happy-dom's notice for every frame it does not load kept off the console.
import nodeConsole from 'node:console';
import { afterEach, beforeEach, vi } from 'vitest';
import { blockElements } from '../src/blocking.js';
import { createConsent } from '../src/index.js';
import { config } from './fixtures.js';

/** The stop functions of this test's blockElements calls; a test may take one off and call it itself. */
export const stops: (() => void)[] = [];

/** Puts `html` in the page and blocks its declared elements for a consent made with `overrides`, once it is ready. */
export const setup = async (html: string, overrides = {}) => {
  document.body.innerHTML = html;
  const consent = createConsent(config(overrides));
  await consent.ready;
  stops.push(blockElements(consent));
  return consent;
};

beforeEach(() => {
  // happy-dom loads no frames and says so, on Node's own console, for every one; anything else still shows.
  const error = nodeConsole.error.bind(nodeConsole);
  vi.spyOn(nodeConsole, 'error').mockImplementation((...args: unknown[]) => void (/Iframe page loading is disabled/.test(String(args[0])) || error(...args)));
});
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

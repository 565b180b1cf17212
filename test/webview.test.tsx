// A browser without requestAnimationFrame (some embedded webviews): the dialogs still draw, and nothing reaches the page.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsent, type ConsentConfig } from '../src/index.js';
import { mountDialogs } from '../widgets/index.js';
import { config, settle } from './fixtures.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  unhandled.length = 0;
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('a browser without requestAnimationFrame (some embedded webviews)', () => {
  it('a returning visitor: the banner shows and nothing reaches the page as an unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    const cfg = config() as ConsentConfig;
    localStorage.setItem('optin:' + cfg.storageName, '1'); // stored decisions exist: the banner waits for them
    vi.stubGlobal('requestAnimationFrame', undefined);
    const consent = createConsent(cfg);
    const unmount = mountDialogs(consent);
    await consent.ready;
    await settle(20);
    expect(document.querySelector('optin-consent')!.shadowRoot!.querySelector('.banner')).not.toBeNull();
    unmount();
    expect(unhandled).toEqual([]);
  });

  it('a first visit: mountDialogs does not throw', () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    const consent = createConsent(config() as ConsentConfig);
    expect(() => mountDialogs(consent)()).not.toThrow();
  });
});


// consentMode: what a site owner checks in window.dataLayer: a default that denies every mapped type before any
// Google tag, then an update for each change of the map, in the `arguments` form gtag.js reads.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { consentMode, createConsent, type Consent, type ConsentConfig } from '../src/index.js';
import { config, freshName, settle } from './fixtures.js';

type Google = { dataLayer?: unknown[]; gtag?: (...args: unknown[]) => void };
const win = window as unknown as Google;
/** The dataLayer as a site owner reads it in the console: each command as a plain list. */
const commands = () => (win.dataLayer ?? []).map((entry) => Array.from(entry as ArrayLike<unknown>));
const updates = () => commands().filter(([, command]) => command == 'update');
const last = () => commands().at(-1);

const ADS = { marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'] } as const;
const MAPPING = { analytics: ['analytics_storage'], ...ADS, necessary: ['security_storage'] } as const;
const ALL_DENIED = { analytics_storage: 'denied', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', security_storage: 'granted' };

let stops: (() => void)[] = [];
/** A consent instance whose config maps purposes to consent types as `mapping` does. */
const mapped = (mapping: ConsentConfig['consentMode'] = MAPPING, storageName = freshName()) => createConsent(config({ consentMode: mapping, storageName }));
const start = (consent: Consent) => {
  stops.push(consentMode(consent));
};

beforeEach(() => {
  delete win.dataLayer;
  delete win.gtag;
});
afterEach(() => {
  for (const stop of stops) stop();
  stops = [];
  vi.restoreAllMocks();
});

describe('the default, sent at once', () => {
  it('is the first entry, denies every mapped type (necessary ones granted) and carries wait_for_update', () => {
    start(mapped());
    // wait_for_update: a Google tag waits up to 500 ms for the update that the stored decisions bring.
    expect(commands()).toEqual([['consent', 'default', { ...ALL_DENIED, wait_for_update: 500 }]]);
    // A Google tag loaded after this finds gtag as its own snippet defines it.
    win.gtag!('js', 'now');
    expect(last()).toEqual(['js', 'now']);
  });

  it('pushes `arguments` objects, not arrays: gtag.js ignores an array', () => {
    start(mapped());
    const [entry] = win.dataLayer!;
    expect(Array.isArray(entry)).toBe(false);
    expect(Object.prototype.toString.call(entry)).toBe('[object Arguments]');
  });

  it('replaces a dataLayer or gtag that is not Google’s: an element the browser exposes on window by its id', () => {
    win.dataLayer = document.createElement('div') as unknown as unknown[]; // <div id="dataLayer">
    win.gtag = document.createElement('div') as unknown as () => void; // <div id="gtag">
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    start(mapped());
    expect(commands()).toEqual([['consent', 'default', { ...ALL_DENIED, wait_for_update: 500 }]]);
  });

  it("keeps the page's dataLayer and calls the page's own gtag", () => {
    const early = { event: 'page_view' };
    win.dataLayer = [early];
    const gtag = vi.fn();
    win.gtag = gtag;
    start(mapped());
    expect(win.dataLayer).toEqual([early]);
    expect(gtag).toHaveBeenCalledExactlyOnceWith('consent', 'default', { ...ALL_DENIED, wait_for_update: 500 });
  });
});

describe('updates', () => {
  it('a decision grants exactly its mapped types; a withdrawal denies them again', async () => {
    const consent = mapped();
    start(consent);
    await consent.ready;
    await consent.decide({ analytics: true });
    expect(last()).toEqual(['consent', 'update', { ...ALL_DENIED, analytics_storage: 'granted' }]);
    await consent.decideAll(true);
    expect(last()).toEqual(['consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', security_storage: 'granted' }]);
    await consent.withdraw();
    expect(last()).toEqual(['consent', 'update', ALL_DENIED]);
    expect(updates()).toHaveLength(3);
  });

  it('grants a type mapped from two purposes only while both are granted (fail closed)', async () => {
    const consent = mapped({ analytics: ['analytics_storage', 'ad_user_data'], marketing: ['ad_user_data'] });
    start(consent);
    await consent.ready;
    await consent.decide({ analytics: true });
    expect(last()).toEqual(['consent', 'update', { analytics_storage: 'granted', ad_user_data: 'denied' }]);
    await consent.decide({ marketing: true });
    expect(last()).toEqual(['consent', 'update', { analytics_storage: 'granted', ad_user_data: 'granted' }]);
    await consent.withdraw('analytics');
    expect(last()).toEqual(['consent', 'update', { analytics_storage: 'denied', ad_user_data: 'denied' }]);
  });

  it('after a reload, the stored decisions follow the default as an update once ready', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ marketing: true });
    const consent = mapped(MAPPING, storageName);
    start(consent);
    expect(commands()).toEqual([['consent', 'default', { ...ALL_DENIED, wait_for_update: 500 }]]);
    await consent.ready;
    await settle();
    expect(commands()).toEqual([
      ['consent', 'default', { ...ALL_DENIED, wait_for_update: 500 }],
      ['consent', 'update', { ...ALL_DENIED, ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }],
    ]);
  });

  it('started after ready, sends the stored decisions as the default, and no update', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ analytics: true });
    const consent = mapped(MAPPING, storageName);
    await consent.ready;
    start(consent);
    await settle();
    expect(commands()).toEqual([['consent', 'default', { ...ALL_DENIED, analytics_storage: 'granted', wait_for_update: 500 }]]);
  });

  it('sends no update when the map does not change', async () => {
    const consent = mapped(ADS);
    start(consent);
    await consent.ready;
    await settle();
    expect(updates()).toEqual([]);
    await consent.decide({ analytics: true, 'credit-scoring': false });
    await consent.decide({ marketing: false });
    await consent.decide({ marketing: false });
    expect(updates()).toEqual([]);
    await consent.decide({ marketing: true });
    await consent.decide({ marketing: true, analytics: false });
    expect(updates()).toHaveLength(1);
  });

  it('follows a decision made in another tab', async () => {
    const storageName = freshName();
    const [other, here] = [createConsent(config({ storageName })), mapped(ADS, storageName)];
    start(here);
    await Promise.all([other.ready, here.ready]);
    await other.decide({ marketing: true });
    await vi.waitFor(() => expect(updates()).toEqual([['consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }]]));
    await other.reset();
    await vi.waitFor(() => expect(last()).toEqual(['consent', 'update', { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }]));
  });

  it('stops when asked, also before the stored decisions are read', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ marketing: true });
    const consent = mapped(ADS, storageName);
    const stop = consentMode(consent);
    stop();
    await consent.decideAll(true);
    await settle();
    expect(commands()).toHaveLength(1);
  });

  it('never throws into the page when gtag throws: the decision stands, the error is logged, the update is sent later', async () => {
    const consent = mapped(ADS);
    const gtag = vi.fn((..._args: unknown[]) => undefined);
    win.gtag = gtag;
    start(consent);
    await consent.ready;
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    gtag.mockImplementationOnce(() => {
      throw new Error('wrapper bug');
    });
    await expect(consent.decide({ marketing: true })).resolves.toBeUndefined();
    expect(consent.has('marketing')).toBe(true);
    expect(error).toHaveBeenCalledExactlyOnceWith(expect.objectContaining({ code: 'callback', cause: expect.objectContaining({ message: 'wrapper bug' }) }));
    // Not counted as sent: the next change sends it.
    await consent.decide({ analytics: true });
    expect(gtag).toHaveBeenLastCalledWith('consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
    expect(gtag).toHaveBeenCalledTimes(3); // the default, the refused update, and that update sent again
  });

  it('makes up for a default that gtag refused: the next update carries the whole state, even with no change', async () => {
    const consent = mapped(ADS);
    const gtag = vi.fn((..._args: unknown[]): void => {
      throw new Error('tag manager not loaded yet');
    });
    win.gtag = gtag;
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    start(consent);
    gtag.mockImplementation(() => undefined);
    await consent.ready;
    expect(gtag).toHaveBeenLastCalledWith('consent', 'update', { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
  });
});

describe('without consentMode in the config', () => {
  it('sends nothing and defines no gtag', async () => {
    const consent = createConsent(config());
    start(consent);
    await consent.decideAll(true);
    expect(win.dataLayer).toBeUndefined();
    expect(win.gtag).toBeUndefined();
  });
});

describe('server-side rendering', () => {
  it('does nothing without a window: no gtag and no dataLayer on the server, shared by every request', () => {
    vi.stubGlobal('window', undefined);
    try {
      start(mapped());
      expect(globalThis).not.toHaveProperty('dataLayer');
      expect(globalThis).not.toHaveProperty('gtag');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

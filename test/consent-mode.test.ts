// consentMode: what a site owner checks in window.dataLayer: a default that denies every mapped type before any
// Google tag, then an update for each change of the map, in the `arguments` form gtag.js reads.
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ConsentConfigError, consentMode, createConsent, type ConsentModeMapping } from '../src/index.js';
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
const start = (consent: Parameters<typeof consentMode>[0], mapping: ConsentModeMapping = MAPPING, options = {}) => {
  stops.push(consentMode(consent, mapping, options));
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
    const consent = createConsent(config());
    start(consent, MAPPING, { waitForUpdate: 500 });
    expect(commands()).toEqual([['consent', 'default', { ...ALL_DENIED, wait_for_update: 500 }]]);
    // A Google tag loaded after this finds gtag as its own snippet defines it.
    win.gtag!('js', 'now');
    expect(last()).toEqual(['js', 'now']);
  });

  it('pushes `arguments` objects, not arrays: gtag.js ignores an array', () => {
    start(createConsent(config()));
    const [entry] = win.dataLayer!;
    expect(Array.isArray(entry)).toBe(false);
    expect(Object.prototype.toString.call(entry)).toBe('[object Arguments]');
  });

  it("keeps the page's dataLayer and calls the page's own gtag", () => {
    const early = { event: 'page_view' };
    win.dataLayer = [early];
    const gtag = vi.fn();
    win.gtag = gtag;
    start(createConsent(config()));
    expect(win.dataLayer).toEqual([early]);
    expect(gtag).toHaveBeenCalledExactlyOnceWith('consent', 'default', ALL_DENIED);
  });
});

describe('updates', () => {
  it('a decision grants exactly its mapped types; a withdrawal denies them again', async () => {
    const consent = createConsent(config());
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
    const consent = createConsent(config());
    start(consent, { analytics: ['analytics_storage', 'ad_user_data'], marketing: ['ad_user_data'] });
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
    const consent = createConsent(config({ storageName }));
    start(consent);
    expect(commands()).toEqual([['consent', 'default', ALL_DENIED]]);
    await consent.ready;
    await settle();
    expect(commands()).toEqual([
      ['consent', 'default', ALL_DENIED],
      ['consent', 'update', { ...ALL_DENIED, ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }],
    ]);
  });

  it('started after ready, sends the stored decisions as the default, and no update', async () => {
    const storageName = freshName();
    await createConsent(config({ storageName })).decide({ analytics: true });
    const consent = createConsent(config({ storageName }));
    await consent.ready;
    start(consent);
    await settle();
    expect(commands()).toEqual([['consent', 'default', { ...ALL_DENIED, analytics_storage: 'granted' }]]);
  });

  it('sends no update when the map does not change', async () => {
    const consent = createConsent(config());
    start(consent, ADS);
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
    const [other, here] = [createConsent(config({ storageName })), createConsent(config({ storageName }))];
    start(here, ADS);
    await Promise.all([other.ready, here.ready]);
    await other.decide({ marketing: true });
    await vi.waitFor(() => expect(updates()).toEqual([['consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }]]));
    await other.reset();
    await vi.waitFor(() => expect(last()).toEqual(['consent', 'update', { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }]));
  });

  it('stops when asked', async () => {
    const consent = createConsent(config());
    const stop = consentMode(consent, ADS);
    stop();
    await consent.decideAll(true);
    await settle();
    expect(commands()).toHaveLength(1);
  });

  it('never throws into the page when gtag throws: the decision stands, the error is logged, the update is sent later', async () => {
    const consent = createConsent(config());
    const gtag = vi.fn((..._args: unknown[]) => undefined);
    win.gtag = gtag;
    start(consent, ADS);
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
  });
});

describe('bad arguments', () => {
  const issuesOf = (mapping: unknown, options?: unknown, consent: unknown = createConsent(config())) => {
    try {
      consentMode(consent as never, mapping as never, options as never);
    } catch (error) {
      expect(error).toBeInstanceOf(ConsentConfigError);
      return (error as ConsentConfigError).issues;
    }
    throw new Error('consentMode did not throw');
  };

  it('lists every problem at once, each with its path and fix, and sends nothing', () => {
    const mapping = JSON.parse('{ "analytiks": ["analytics_storage"], "analytics": ["analytics_storage", "analytics_storag", 5], "marketing": "ad_storage", "__proto__": ["ad_storage"] }') as unknown;
    expect(issuesOf(mapping, { waitForUpdate: -1 })).toEqual([
      { path: 'consentMode.analytiks', message: 'is not a purpose in the config; did you mean "analytics"?' },
      { path: 'consentMode.analytics[1]', message: 'is not a Consent Mode type; did you mean "analytics_storage"?' },
      { path: 'consentMode.analytics[2]', message: expect.stringMatching(/^is not a Consent Mode type; use one of ad_storage, ad_user_data, .*security_storage$/) },
      { path: 'consentMode.marketing', message: "must be an array of consent types, like ['analytics_storage']" },
      { path: 'consentMode.__proto__', message: 'is not a purpose in the config; add it to purposes or remove it here' },
      { path: 'consentMode.waitForUpdate', message: 'must be a whole number of milliseconds, like 500' },
    ]);
    expect(win.dataLayer).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('ad_storage');
  });

  it.each([null, undefined, 5, 'analytics', [['analytics_storage']]])('refuses %j as a mapping with one issue, never a TypeError', (mapping) => {
    expect(issuesOf(mapping)).toEqual([{ path: 'consentMode', message: expect.stringMatching(/^must be an object of purpose id → consent types/) }]);
  });

  it('refuses options that are not an object, and anything but a consent instance', () => {
    expect(issuesOf(MAPPING, 500)).toEqual([{ path: 'options', message: 'must be an object { waitForUpdate }' }]);
    expect(issuesOf(MAPPING, undefined, null)).toEqual([{ path: 'consent', message: 'must be the instance createConsent() returns' }]);
  });

  it('types: a misspelt purpose id or consent type does not compile', () => {
    const consent = createConsent(config());
    // @ts-expect-error: not a purpose of this config
    expect(() => consentMode(consent, { analytiks: ['analytics_storage'] })).toThrow(ConsentConfigError);
    // @ts-expect-error: not a Consent Mode type
    expect(() => consentMode(consent, { analytics: ['analytics_storag'] })).toThrow(ConsentConfigError);
    expectTypeOf(consentMode).returns.toEqualTypeOf<() => void>();
  });
});

// validateConfig(): every problem reported at once with its path and fix, and nothing thrown but ConsentConfigError.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { ConsentConfigError, type ConfigIssue } from '../src/errors.js';
import type { ConsentConfig } from '../src/types.js';

type Patch = { [key: string]: unknown };
type Loose = Patch & { controller: Patch; policy: Patch; purposes: Patch[] };

/** Marks a key to delete in a patch. */
const DROP = Symbol('drop');

/** A fresh valid config: purposes[0] necessary, [1] with every field, [2] a sale, [3] sensitive. */
function base(): Loose {
  return {
    controller: { name: 'Daily Lantern Ltd.', contact: 'privacy@lantern.example' },
    policy: { version: '2026-11', url: '/privacy' },
    purposes: [
      { id: 'necessary', title: 'Essential', description: 'Keeps you signed in.', necessary: true },
      {
        id: 'analytics',
        title: { en: 'Analytics', 'zh-CN': '统计分析' },
        description: 'Counts page views.',
        data: ['pages visited', 'device type'],
        retention: '13 months',
        recipients: [{ name: 'Stats Co', country: 'DE', url: 'https://stats.example/privacy' }],
        hosts: ['stats.example.com'],
        storage: ['_stats'],
      },
      { id: 'marketing', title: 'Advertising', description: 'Ads based on your reading.', data: ['ad clicks'], retention: '6 months', sale: true },
      { id: 'credit-scoring', title: 'Credit scoring', description: 'Sends payment history to a bureau.', data: ['payment history'], retention: '2 years', sensitive: true },
    ],
    locale: 'en',
    texts: { en: { acceptAll: 'Accept all' }, 'zh-CN': { acceptAll: '全部接受' } },
    expiresAfterDays: 180,
    storageName: 'optin-test',
  };
}

function patch(target: Patch, changes: Patch): Patch {
  const copy = { ...target };
  for (const [key, value] of Object.entries(changes)) {
    if (value === DROP) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

const root = (changes: Patch) => patch(base(), changes);
const controller = (changes: Patch) => root({ controller: patch(base().controller, changes) });
const policy = (changes: Patch) => root({ policy: patch(base().policy, changes) });
function purpose(index: number, changes: Patch): Loose {
  const config = base();
  config.purposes[index] = patch(config.purposes[index]!, changes);
  return config;
}
/** The analytics purpose's first recipient. */
const recipient = (changes: Patch) => purpose(1, { recipients: [patch({ name: 'Stats Co', country: 'DE', url: 'https://stats.example/privacy' }, changes)] });
/** Adds a key the way JSON.parse does: as an own property, even `__proto__`. */
function withOwnKey(target: Patch, key: string, value: unknown): Patch {
  return Object.defineProperty({ ...target }, key, { value, enumerable: true, configurable: true, writable: true });
}

/** The issues of the ConsentConfigError that validateConfig throws for `input`; fails on anything else. */
function issuesOf(input: unknown): readonly ConfigIssue[] {
  try {
    validateConfig(input as ConsentConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(ConsentConfigError);
    expect((error as ConsentConfigError).code).toBe('config');
    return (error as ConsentConfigError).issues;
  }
  throw new Error('validateConfig accepted a bad config');
}

const IMPLIED_FIX = 'explicit yes (GDPR Recital 32, PIPL Art. 14)';

describe('validateConfig', () => {
  it('returns a valid config unchanged', () => {
    const config = base();
    const copy = structuredClone(config);
    expect(validateConfig(config as unknown as ConsentConfig)).toBe(config);
    expect(config).toEqual(copy);
  });

  it('accepts the integrations: receipts, consentMode, networkGuard', () => {
    const config = root({ receipts: { endpoint: '/consent-receipts' }, consentMode: { necessary: ['security_storage', 'functionality_storage'], analytics: ['analytics_storage'], marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'] }, networkGuard: true });
    expect(validateConfig(config as unknown as ConsentConfig)).toBe(config);
  });

  it('accepts the least a config needs, objects without a prototype, and every kind of contact and policy url', () => {
    const minimal = { controller: { name: 'A', contact: 'https://a.example/contact' }, policy: { version: '1', url: 'https://a.example/privacy' }, purposes: [{ id: 'necessary', title: 'Essential', description: 'Sign-in.', necessary: true }] } satisfies ConsentConfig;
    expect(validateConfig(minimal)).toBe(minimal);
    expect(() => validateConfig(Object.assign(Object.create(null) as object, minimal))).not.toThrow();
    expect(() => validateConfig(controller({ contact: '/contact' }) as unknown as ConsentConfig)).not.toThrow();
    expect(() => validateConfig(policy({ url: 'http://a.example/privacy?v=2#top' }) as unknown as ConsentConfig)).not.toThrow();
    // A transfer out of China with its own consent, a necessary one (another legal basis), and one out of Germany.
    const china = { name: 'Lantern', contact: '/contact', country: 'CN' };
    const abroad = (p: Patch) => (p.id == 'analytics' ? { ...p, sensitive: true } : p.necessary ? { ...p, recipients: [{ name: 'CDN Inc.', country: 'US' }] } : p);
    expect(() => validateConfig(root({ controller: china, purposes: (base().purposes as Loose[]).map(abroad) }) as unknown as ConsentConfig)).not.toThrow();
    expect(() => validateConfig(controller({ country: 'DE' }) as unknown as ConsentConfig)).not.toThrow();
    const home = base().purposes.map((p) => (p.id == 'analytics' ? { ...p, recipients: [{ name: 'Stats Co', country: 'cn' }] } : p));
    expect(() => validateConfig(root({ controller: china, purposes: home }) as unknown as ConsentConfig)).not.toThrow();
    // Names and the policy in the language shown (a Chinese company name, a policy page per language).
    expect(() => validateConfig(controller({ name: { en: 'Daily Lantern', 'zh-CN': '每日灯笼' } }) as unknown as ConsentConfig)).not.toThrow();
    expect(() => validateConfig(policy({ url: { en: '/privacy', 'zh-CN': 'https://lantern.example/zh/privacy' } }) as unknown as ConsentConfig)).not.toThrow();
    expect(() => validateConfig(recipient({ name: { en: 'Stats Co', 'zh-CN': '统计公司' } }) as unknown as ConsentConfig)).not.toThrow();
    // A necessary purpose may still say what it collects; any locale can be the fallback when `locale` says so.
    expect(() => validateConfig(purpose(0, { data: ['session id'], retention: 'the session' }) as unknown as ConsentConfig)).not.toThrow();
    expect(() => validateConfig(root({ locale: 'zh-CN' }) as unknown as ConsentConfig)).not.toThrow();
    // A description may use a vague word as long as it says what is done (INF-07 refuses only the vague phrase alone).
    for (const description of ['Marketing emails about our offers, once a week.', 'Improves search results from what you searched before.', '用于营销短信，每周一次。']) {
      expect(() => validateConfig(purpose(2, { description }) as unknown as ConsentConfig)).not.toThrow();
    }
    expect(() => validateConfig(purpose(1, { data: ['pages visited', { en: 'device type', 'zh-CN': '设备类型' }] }) as unknown as ConsentConfig)).not.toThrow();
  });

  it.each<[string, unknown, string, string?]>([
    // root keys
    ['a misspelt root key', root({ purpose: [] }), 'purpose', 'is not a config key; did you mean `purposes`?'],
    ['a misspelt expiry key', root({ expiresAfterDay: 30 }), 'expiresAfterDay', 'did you mean `expiresAfterDays`?'],
    ['an unknown root key', root({ colour: 'red' }), 'colour', 'remove it'],
    ['root defaultEnabled', root({ defaultEnabled: true }), 'defaultEnabled', IMPLIED_FIX],
    ["root mode: 'opt-out'", root({ mode: 'opt-out' }), 'mode', 'every non-necessary purpose starts off'],
    ['root consentOnScroll', root({ consentOnScroll: true }), 'consentOnScroll', IMPLIED_FIX],
    ['root impliedConsent', root({ impliedConsent: true }), 'impliedConsent', IMPLIED_FIX],
    ['root autoAccept', root({ autoAccept: 5000 }), 'autoAccept', IMPLIED_FIX],
    ['an own root __proto__', withOwnKey(base(), '__proto__', { polluted: true }), '__proto__', 'prototype pollution'],
    ['a root constructor key', root({ constructor: {} }), 'constructor', 'prototype pollution'],
    // controller
    ['no controller', root({ controller: DROP }), 'controller', 'an object { name, contact'],
    ['a string controller', root({ controller: 'Daily Lantern' }), 'controller', 'an object'],
    ['an empty controller name', controller({ name: '' }), 'controller.name', 'a non-empty string'],
    ['a numeric controller name', controller({ name: 42 }), 'controller.name', 'a non-empty string'],
    ['a blank controller name', controller({ name: '   ' }), 'controller.name'],
    ['controller names per locale without the fallback locale', controller({ name: { 'zh-CN': '每日灯笼' } }), 'controller.name', "has no 'en' text"],
    ['an empty controller name for one locale', controller({ name: { en: 'Daily Lantern', 'zh-CN': '' } }), 'controller.name.zh-CN', 'a non-empty string'],
    ['a controller in China sending a purpose’s data abroad without separate consent', root({ controller: { name: 'Lantern', contact: '/contact', country: 'CN' } }), 'purposes[1].sensitive', 'PIPL Art. 39 asks a separate consent'],
    ['the same, country in lower case', root({ controller: { name: 'Lantern', contact: '/contact', country: 'cn' } }), 'purposes[1].sensitive', 'a recipient outside China'],
    ['recipient names per locale without the fallback locale', recipient({ name: { 'zh-CN': '统计公司' } }), 'purposes[1].recipients[0].name', "has no 'en' text"],
    ['no contact', controller({ contact: DROP }), 'controller.contact', 'an email, an http(s) URL or a same-origin path'],
    ['a javascript: contact', controller({ contact: 'javascript:alert(1)' }), 'controller.contact'],
    ['a javascript: contact disguised as an email', controller({ contact: 'javascript:alert(1)//@x.example' }), 'controller.contact'],
    ['a protocol-relative contact', controller({ contact: '//evil.example/contact' }), 'controller.contact'],
    ['an unknown controller key', controller({ email: 'a@b.example' }), 'controller.email', 'is not a config key'],
    // policy
    ['an empty policy version', policy({ version: '' }), 'policy.version', 'a non-empty string'],
    ['a numeric policy version', policy({ version: 3 }), 'policy.version'],
    ['a javascript: policy url', policy({ url: 'javascript:alert(1)' }), 'policy.url', 'an http(s) URL or a same-origin path'],
    ['a protocol-relative policy url', policy({ url: '//evil.example/privacy' }), 'policy.url'],
    ['a backslash policy url', policy({ url: '/\\evil.example/privacy' }), 'policy.url'],
    ['a relative policy url', policy({ url: 'privacy.html' }), 'policy.url'],
    ['an ftp policy url', policy({ url: 'ftp://lantern.example/privacy' }), 'policy.url'],
    ['a javascript: policy url for one locale', policy({ url: { en: '/privacy', 'zh-CN': 'javascript:alert(1)' } }), 'policy.url.zh-CN', 'an http(s) URL or a same-origin path'],
    ['policy urls per locale without the fallback locale', policy({ url: { 'zh-CN': '/zh/privacy' } }), 'policy.url', "has no 'en' text"],
    ['a policy url with a newline', policy({ url: '/\n/evil.example' }), 'policy.url'],
    ['a misspelt policy key', policy({ versoin: '1' }), 'policy.versoin', 'did you mean `version`?'],
    // purposes
    ['no purposes', root({ purposes: DROP }), 'purposes', 'a non-empty array'],
    ['no purpose at all', root({ purposes: [] }), 'purposes', 'a non-empty array'],
    ['purposes as an object', root({ purposes: { analytics: {} } }), 'purposes', 'a non-empty array'],
    ['a null purpose', root({ purposes: [base().purposes[0], null] }), 'purposes[1]', 'an object'],
    ['a string purpose', root({ purposes: [base().purposes[0], 'analytics'] }), 'purposes[1]', 'an object'],
    ['a purpose hole', root({ purposes: [, base().purposes[0]] }), 'purposes[0]', 'an object'], // eslint-disable-line no-sparse-arrays
    ['a capitalised id', purpose(1, { id: 'Analytics' }), 'purposes[1].id', "kebab-case id like 'credit-scoring'"],
    ['a snake_case id', purpose(3, { id: 'credit_scoring' }), 'purposes[3].id', 'kebab-case'],
    ['no id', purpose(1, { id: DROP }), 'purposes[1].id', 'kebab-case'],
    ['a duplicate id', purpose(2, { id: 'analytics' }), 'purposes[2].id', 'repeats purposes[1].id'],
    ['a misspelt purpose key', purpose(1, { titel: 'x' }), 'purposes[1].titel', 'did you mean `title`?'],
    ['purpose defaultEnabled', purpose(1, { defaultEnabled: true }), 'purposes[1].defaultEnabled', IMPLIED_FIX],
    ['purpose default', purpose(1, { default: true }), 'purposes[1].default', IMPLIED_FIX],
    ['purpose enabled', purpose(1, { enabled: true }), 'purposes[1].enabled', IMPLIED_FIX],
    ['purpose checked', purpose(1, { checked: true }), 'purposes[1].checked', IMPLIED_FIX],
    ['purpose preChecked', purpose(1, { preChecked: true }), 'purposes[1].preChecked', IMPLIED_FIX],
    ['purpose optOut', purpose(2, { optOut: true }), 'purposes[2].optOut', IMPLIED_FIX],
    ['purpose consentOnDismiss', purpose(1, { consentOnDismiss: true }), 'purposes[1].consentOnDismiss', IMPLIED_FIX],
    ["purpose mode: 'opt-out'", purpose(2, { mode: 'opt-out' }), 'purposes[2].mode', IMPLIED_FIX],
    ['an own purpose __proto__', root({ purposes: [withOwnKey(base().purposes[0]!, '__proto__', { polluted: true })] }), 'purposes[0].__proto__', 'prototype pollution'],
    ['a purpose prototype key', purpose(1, { prototype: {} }), 'purposes[1].prototype', 'prototype pollution'],
    // disclosure texts
    ['no title', purpose(1, { title: DROP }), 'purposes[1].title', "a non-empty string or { 'en': '…' }"],
    ['an empty description', purpose(0, { description: '' }), 'purposes[0].description', 'a non-empty string'],
    ['a description without the fallback locale', purpose(1, { description: { 'zh-CN': '统计' } }), 'purposes[1].description', "has no 'en' text"],
    ['an empty title in one locale', purpose(1, { title: { en: 'Analytics', 'zh-CN': '' } }), 'purposes[1].title.zh-CN', 'a non-empty string'],
    ['a title array', purpose(1, { title: ['Analytics'] }), 'purposes[1].title', 'a non-empty string or'],
    ['a locale that a text lacks', root({ locale: 'fr' }), 'purposes[1].title', "has no 'fr' text"],
    ['an own __proto__ in a text', purpose(1, { title: withOwnKey({ en: 'Analytics' }, '__proto__', 'x') }), 'purposes[1].title.__proto__', 'prototype pollution'],
    // vague purposes: consent is to a specific one (INF-07)
    ['a description that only says "to improve your experience"', purpose(1, { description: 'To improve your experience.' }), 'purposes[1].description', 'a description of what the data is used for'],
    ['a description that only says "marketing"', purpose(2, { description: 'Marketing purposes' }), 'purposes[2].description', 'not only "to improve your experience" or "marketing" (EDPB 05/2020)'],
    ['a vague description in one locale', purpose(1, { description: { en: 'Counts page views.', 'zh-CN': '提升用户体验。' } }), 'purposes[1].description.zh-CN', 'a description of what the data is used for'],
    ['a numeric description', purpose(3, { description: 7 }), 'purposes[3].description', "a description of what the data is used for (or one per locale: { 'en': '…' })"],
    ['no data for a non-necessary purpose', purpose(1, { data: DROP }), 'purposes[1].data', 'a non-empty array'],
    ['empty data', purpose(2, { data: [] }), 'purposes[2].data', 'a non-empty array'],
    ['data as a string', purpose(2, { data: 'ad clicks' }), 'purposes[2].data', 'a non-empty array'],
    ['an empty data item', purpose(1, { data: ['pages visited', ''] }), 'purposes[1].data[1]', 'a non-empty string'],
    ['a data item without the fallback locale', purpose(1, { data: [{ 'zh-CN': '设备类型' }] }), 'purposes[1].data[0]', "has no 'en' text"],
    ['no retention for a non-necessary purpose', purpose(3, { retention: DROP }), 'purposes[3].retention', 'a non-empty string'],
    // flags
    ['necessary: false', purpose(1, { necessary: false }), 'purposes[1].necessary', 'omit it instead of false'],
    ["sensitive: 'yes'", purpose(3, { sensitive: 'yes' }), 'purposes[3].sensitive', 'must be true'],
    ['sale: 1', purpose(2, { sale: 1 }), 'purposes[2].sale', 'must be true'],
    ['a necessary purpose that is sensitive', purpose(0, { sensitive: true }), 'purposes[0].sensitive', 'split it into two purposes'],
    ['a necessary purpose that is a sale', purpose(0, { sale: true }), 'purposes[0].sale', 'split it into two purposes'],
    // No purpose rests on legitimate interest: device access needs consent or strict necessity (Taskforce F; PRE-07).
    ['a purpose on legitimate interest (PRE-07)', purpose(2, { legitimateInterest: true }), 'purposes[2].legitimateInterest', 'remove it'],
    ['a legal basis other than consent (PRE-07)', purpose(1, { legalBasis: 'legitimate-interest' }), 'purposes[1].legalBasis', 'remove it'],
    // recipients, hosts, storage
    ['recipients as an object', purpose(1, { recipients: { name: 'Stats Co' } }), 'purposes[1].recipients', 'an array'],
    ['a string recipient', purpose(1, { recipients: ['Stats Co'] }), 'purposes[1].recipients[0]', 'an object { name, country, url, contact }'],
    ['a recipient without a name', recipient({ name: DROP }), 'purposes[1].recipients[0].name', 'a non-empty string'],
    ['a numeric recipient country', recipient({ country: 49 }), 'purposes[1].recipients[0].country', 'a two-letter country code'],
    ['a recipient country written out', recipient({ country: 'Germany' }), 'purposes[1].recipients[0].country', "a two-letter country code like 'CN' or 'DE'"],
    ['a three-letter recipient country', recipient({ country: 'DEU' }), 'purposes[1].recipients[0].country', 'a two-letter country code'],
    ['a controller country written out (the rule for transfers out of China would miss it)', controller({ country: 'China' }), 'controller.country', 'a two-letter country code'],
    ['a controller country with a space', controller({ country: ' CN' }), 'controller.country', 'a two-letter country code'],
    ['a controller country in Chinese', controller({ country: '中国' }), 'controller.country', 'a two-letter country code'],
    ['a javascript: recipient url', recipient({ url: 'javascript:alert(1)' }), 'purposes[1].recipients[0].url', 'an http(s) URL'],
    ['a recipient contact that is neither an email nor a web address', recipient({ contact: 'call us' }), 'purposes[1].recipients[0].contact', 'an email or an http(s) URL'],
    ['a relative recipient url', recipient({ url: '/privacy' }), 'purposes[1].recipients[0].url', 'an http(s) URL'],
    ['a misspelt recipient key', recipient({ contry: 'DE' }), 'purposes[1].recipients[0].contry', 'did you mean `country`?'],
    ['hosts as a string', purpose(1, { hosts: 'stats.example.com' }), 'purposes[1].hosts', 'an array'],
    ['a host with a scheme', purpose(1, { hosts: ['https://stats.example.com'] }), 'purposes[1].hosts[0]', "a bare host like 'stats.example.com'"],
    ['a host with a path', purpose(1, { hosts: ['stats.example.com', 'stats.example.com/collect'] }), 'purposes[1].hosts[1]', 'a bare host'],
    ['an empty storage name', purpose(1, { storage: [''] }), 'purposes[1].storage[0]', 'a non-empty string'],
    ['a numeric storage name', purpose(1, { storage: [7] }), 'purposes[1].storage[0]', 'a non-empty string'],
    // expiry, locale, storage name, texts
    ['an expiry over 13 months', root({ expiresAfterDays: 400 }), 'expiresAfterDays', 'from 1 to 395 (13 months, the CNIL cap)'],
    ['an expiry of 0 days', root({ expiresAfterDays: 0 }), 'expiresAfterDays', 'an integer from 1 to 395'],
    ['a fractional expiry', root({ expiresAfterDays: 1.5 }), 'expiresAfterDays', 'an integer'],
    ['an expiry as a string', root({ expiresAfterDays: '180' }), 'expiresAfterDays', 'an integer'],
    ['a NaN expiry', root({ expiresAfterDays: NaN }), 'expiresAfterDays', 'an integer'],
    ['an infinite expiry', root({ expiresAfterDays: Infinity }), 'expiresAfterDays', 'an integer'],
    ['an empty locale', root({ locale: '' }), 'locale', 'a non-empty string'],
    ['a numeric locale', root({ locale: 5 }), 'locale', 'a non-empty string'],
    ['an empty storage name', root({ storageName: '' }), 'storageName', 'a non-empty string'],
    ['texts as a string', root({ texts: 'Accept all' }), 'texts', 'an object'],
    ['texts of a locale as a string', root({ texts: { en: 'Accept all' } }), 'texts.en', 'an object'],
    ['a numeric text', root({ texts: { en: { acceptAll: 1 } } }), 'texts.en.acceptAll', 'a non-empty string'],
    ['an own __proto__ in texts', root({ texts: withOwnKey({}, '__proto__', { acceptAll: 'x' }) }), 'texts.__proto__', 'prototype pollution'],
    // integrations
    ['a misspelt receipts key', root({ reciepts: { endpoint: '/r' } }), 'reciepts', 'did you mean `receipts`?'],
    ['receipts as a string', root({ receipts: '/consent-receipts' }), 'receipts', 'an object { endpoint }'],
    ['a protocol-relative receipts endpoint (//host)', root({ receipts: { endpoint: '//tracker.example/r' } }), 'receipts.endpoint', 'same-origin path'],
    ['a javascript: receipts endpoint', root({ receipts: { endpoint: 'javascript:alert(1)' } }), 'receipts.endpoint', 'an http(s) URL'],
    ['networkGuard: false', root({ networkGuard: false }), 'networkGuard', 'must be true: omit it'],
    ['consentMode as a list', root({ consentMode: [['analytics_storage']] }), 'consentMode', 'an object of purpose id → Consent Mode types'],
    ['a consentMode purpose not in the config', root({ consentMode: { analytiks: ['analytics_storage'] } }), 'consentMode.analytiks', 'is not a purpose in the config; did you mean "analytics"?'],
    ['a misspelt Consent Mode type', root({ consentMode: { analytics: ['analytics_storag'] } }), 'consentMode.analytics[0]', 'one of ad_storage, ad_user_data, ad_personalization, analytics_storage'],
    ['a necessary purpose mapped to ad types, which it would grant with no consent', root({ consentMode: { necessary: ['security_storage', 'ad_storage'] } }), 'consentMode.necessary', 'keep only functionality_storage and security_storage'],
    ['a consentMode purpose with no types', root({ consentMode: { marketing: [] } }), 'consentMode.marketing', 'a non-empty array'],
    ['a consentMode type as a string', root({ consentMode: { marketing: 'ad_storage' } }), 'consentMode.marketing', 'a non-empty array'],
    ['an own __proto__ in consentMode', root({ consentMode: withOwnKey({}, '__proto__', ['ad_storage']) }), 'consentMode.__proto__', 'prototype pollution'],
  ])('refuses %s', (_, input, path, fragment = '') => {
    const issues = issuesOf(input);
    expect(issues).toContainEqual({ path, message: expect.stringContaining(fragment) as string });
    expect(issues).toHaveLength(1);
  });

  it('reports every problem at once, and names each path in the error message', () => {
    const config = root({
      purpose: [],
      controller: { name: '', contact: 'javascript:alert(1)' },
      policy: { version: '1', url: '//evil.example' },
      expiresAfterDays: 730,
      purposes: [
        { id: 'Analytics', title: 'Analytics', description: '', defaultEnabled: true },
        { id: 'ads', title: 'Ads', description: 'Ads.', data: [], retention: '1 year', necessary: true, sale: true },
        { id: 'ads', title: { fr: 'Pub' }, description: 'Ads.', data: ['clicks'], retention: '1 year', checked: true },
      ],
    });
    const paths = [
      'purpose',
      'controller.name',
      'controller.contact',
      'policy.url',
      'expiresAfterDays',
      'purposes[0].defaultEnabled',
      'purposes[0].id',
      'purposes[0].description',
      'purposes[0].data',
      'purposes[0].retention',
      'purposes[1].sale',
      'purposes[2].checked',
      'purposes[2].id',
      'purposes[2].title',
    ];
    const issues = issuesOf(config);
    expect(issues.map((i) => i.path).sort()).toEqual([...paths].sort());
    let message = '';
    try {
      validateConfig(config as unknown as ConsentConfig);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const path of paths) expect(message).toContain(path + ': ');
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', '{"purposes":[]}'],
    ['a boolean', true],
    ['an array', [base()]],
    ['a function', () => base()],
    ['a Date', new Date()],
    ['a Map', new Map([['purposes', []]])],
    ['a symbol', Symbol('config')],
  ])('refuses %s as the config with an issue at the root', (_, input) => {
    expect(issuesOf(input)).toEqual([{ path: '', message: expect.stringContaining('must be an object { controller, policy, purposes }') as string }]);
  });

  it('never throws a TypeError on wrong types anywhere', () => {
    const odd = [null, 0, -1, NaN, '', 'x', true, [], [null], {}, Symbol('x'), 10n, () => 1, new Date()];
    const fields = ['controller', 'policy', 'purposes', 'locale', 'texts', 'expiresAfterDays', 'storageName'];
    for (const value of odd) {
      for (const key of fields) issuesOf(root({ [key]: value, purpose: 1 }));
      for (const key of ['id', 'title', 'description', 'data', 'retention', 'recipients', 'necessary', 'sensitive', 'sale', 'hosts', 'storage']) {
        issuesOf(purpose(1, { [key]: value, titel: 1 }));
      }
      issuesOf(recipient({ name: value, country: value, url: value }));
      issuesOf(root({ texts: { en: value, fr: { a: value } }, purposes: [value] }));
    }
  });

  it('stops on cyclic configs', () => {
    const config = base();
    config.purposes.push(config);
    config.controller.self = config.controller;
    const texts: Patch = {};
    texts.en = texts;
    config.texts = texts;
    const purposes: unknown[] = [];
    purposes.push(purposes);
    const paths = issuesOf(config).map((i) => i.path);
    expect(paths).toContain('purposes[4].controller');
    expect(paths).toContain('controller.self');
    expect(paths).toContain('texts.en.en');
    expect(issuesOf(root({ purposes }))).toContainEqual({ path: 'purposes[0]', message: expect.stringContaining('an object') as string });
  });

  it('turns a throwing getter or Proxy into an issue', () => {
    const getter = Object.defineProperty(base(), 'controller', { get: () => { throw new Error('boom'); }, enumerable: true });
    expect(issuesOf(getter)).toContainEqual({ path: '', message: 'could not be read: pass plain data' });
    const trap = new Proxy(base(), { ownKeys: () => { throw new TypeError('trap'); } });
    expect(issuesOf(trap)).toContainEqual({ path: '', message: 'could not be read: pass plain data' });
  });

  it('refuses JSON with __proto__ keys and leaves Object.prototype alone', () => {
    const json = JSON.stringify(base()).replace('{', '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},');
    const withPurposeProto = json.replace('"id":"analytics"', '"__proto__":{"polluted":"yes"},"id":"analytics"');
    const issues = issuesOf(JSON.parse(withPurposeProto));
    expect(issues.map((i) => i.path)).toEqual(['__proto__', 'constructor', 'purposes[1].__proto__']);
    expect(({} as Patch).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });
});

// Checks a config before anything runs and lists every problem at once, each with its path and its fix.
// Walks only the shapes it knows, so cyclic, hostile or JSON-parsed input cannot loop, pollute or throw a TypeError.
import { ConsentConfigError, type ConfigIssue } from './errors.js';
import { didYouMean } from './nearest.js';
import type { ConsentConfig, ConsentModeType } from './types.js';

type Obj = { readonly [key: string]: unknown };
/** Checks the value at `path`; `fail` reports a problem there. */
type Rule = (value: unknown, path: string, fail: (path: string, message: string) => void) => void;

// The forms a link may take. `//host` and `/\host` are other origins to a browser, which also drops tabs and
// newlines inside a URL.
const HTTP_URL = 'https?:\\/\\/[^\\s/?#\\\\]+\\S*';
const PATH = '\\/(?![/\\\\])\\S*';
const EMAIL = '[^\\s@:/]+@[^\\s@:/]+\\.[^\\s@:/]+';
/** Matches a whole text that takes one of `forms`, ignoring case. */
const anyOf = (...forms: string[]) => RegExp(`^(${forms.join('|')})$`, 'i');
/** An http(s) URL or a same-origin path (`/privacy`): never javascript:, data: or `//other-host`. */
export const PAGE_URL = anyOf(HTTP_URL, PATH);
// Switches other tools have for pre-ticked or implied consent. Consent must be an explicit yes (GDPR Recital 32,
// PIPL Art. 14), so Optin has none, and refuses them rather than let a site believe one works.
const IMPLIED = ['default', 'defaultEnabled', 'enabled', 'checked', 'preChecked', 'optOut', 'autoAccept', 'consentOnScroll', 'consentOnDismiss', 'impliedConsent', 'mode'];
// The consent types of Google Consent Mode v2 (support.google.com/analytics/answer/12334711).
const CONSENT_MODE_TYPES: readonly ConsentModeType[] = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage', 'security_storage'];
// Consent is to a specific purpose (GDPR Art. 5(1)(b), EDPB 05/2020, PIPL Art. 6): a description that says only "to
// improve your experience" or "marketing" names none. The common vague phrases, in English and Chinese.
const VAGUE = '(to )?(improv|enhanc|optimi[sz])\\w* (your |our |the )?(user )?(experience|services?)|(marketing|advertising|other)( purposes)?|(提升|改善|优化)(用户)?(体验|服务)|营销';
const SPECIFIC = RegExp(`^(?!\\s*(${VAGUE})[.\u3002!]?\\s*$)[^]*\\S`, 'i');
// Keys that reach Object.prototype when some later code merges the config.
const UNSAFE = ['__proto__', 'constructor', 'prototype'];

const isObject = (v: unknown): v is Obj => Object.prototype.toString.call(v) == '[object Object]';
const at = (path: string, key: string) => (path ? path + '.' + key : key);

/** A string matching `pattern` (by default: with something in it). */
const text =
  (what = 'a non-empty string', pattern = /\S/): Rule =>
  (v, path, fail) =>
    (typeof v == 'string' && pattern.test(v)) || fail(path, 'must be ' + what);
/** `rule`, or nothing at all. */
const optional =
  (rule: Rule): Rule =>
  (v, path, fail) =>
    v === undefined || rule(v, path, fail);
/** `true`, or nothing at all: a flag is never written as `false`. */
const flag: Rule = (v, path, fail) => v === undefined || v === true || fail(path, 'must be true: omit it instead of false');
/** An array whose items pass `rule`; `needed`: with one item or more. */
const list =
  (rule: Rule, needed?: boolean): Rule =>
  (v, path, fail) =>
    Array.isArray(v) && (v.length || !needed) ? [...(v as unknown[])].forEach((item, i) => rule(item, `${path}[${i}]`, fail)) : fail(path, `must be ${needed ? 'a non-empty array' : 'an array'}`);

/**
 * A plain object whose keys are all safe and, when `fields` are given, known: each field is checked by its rule;
 * without `fields`, every value is checked by `each`.
 */
const object =
  (what: string, fields?: { readonly [key: string]: Rule }, each?: Rule): Rule =>
  (v, path, fail) => {
    if (!isObject(v)) return fail(path, 'must be ' + what);
    const known = fields ? Object.keys(fields) : [];
    for (const key of Object.keys(v)) {
      if (UNSAFE.includes(key)) fail(at(path, key), 'is refused (prototype pollution): remove it');
      else if (fields && IMPLIED.includes(key)) {
        fail(at(path, key), `\`${key}\`: Optin has no such switch; consent must be an explicit yes (GDPR Recital 32, PIPL Art. 14) and every non-necessary purpose starts off. Remove it`);
      } else if (fields && !known.includes(key)) fail(at(path, key), `\`${key}\` is not a config key; ${didYouMean(key, known, 'remove it', '`')}`);
      else each?.(v[key], at(path, key), fail);
    }
    for (const key of known) fields![key]!(v[key], at(path, key), fail);
  };
/** An object with these fields, described by their names. */
const shape = (fields: { readonly [key: string]: Rule }) => object(`an object { ${Object.keys(fields).join(', ')} }`, fields);

/**
 * Checks a config and returns it unchanged, or throws one `ConsentConfigError` whose `issues` list every
 * problem with its path (`purposes[2].id`) and the fix. Never throws anything else, whatever `input` is.
 * @example
 * try {
 *   validateConfig(JSON.parse(text));
 * } catch (error) {
 *   if (error instanceof ConsentConfigError) for (const { path, message } of error.issues) console.error(path, message);
 * }
 */
export function validateConfig<C extends ConsentConfig<string>>(input: C): C {
  const issues: ConfigIssue[] = [];
  const fail = (path: string, message: string) => void issues.push({ path, message });
  try {
    const locale = isObject(input) && input.locale;
    const fallback = typeof locale == 'string' && locale ? locale : 'en';
    /** A text (or what `each` takes), or one per locale with the fallback locale among them. */
    const perLocale =
      (each: Rule, single = each): Rule =>
      (v, path) =>
        isObject(v)
          ? (object('', undefined, each)(v, path, fail), Object.hasOwn(v, fallback) || fail(path, `has no '${fallback}' text: add one (the fallback locale)`))
          : single(v, path, fail);
    const localized = perLocale(text(), text(`a non-empty string or { '${fallback}': '…' }`));
    const specific = (or = '') => text(`a description of what the data is used for${or}, not only "to improve your experience" or "marketing" (EDPB 05/2020)`, SPECIFIC);
    // A policy in the language of the dialogs (PIPL Art. 17: rules in clear and easy-to-understand language).
    const pageUrl = text("an http(s) URL or a same-origin path like '/privacy'", PAGE_URL);
    // A country is a code (ISO 3166-1 alpha-2): the dialogs name it in the language shown, and the rule below reads it.
    const country = optional(text("a two-letter country code like 'CN' or 'DE'", /^[a-z]{2}$/i));
    const home = isObject(input) && isObject(input.controller) && input.controller.country;
    const ids = new Map<unknown, string>();
    const necessaryIds = new Set<unknown>();

    const purpose: Rule = (p, path) => {
      // Only a strictly necessary purpose may leave out what it collects and how long it keeps it; it can never
      // be sensitive or a sale, since it is on without consent.
      const necessary = isObject(p) && p.necessary === true;
      if (necessary) necessaryIds.add(p.id);
      const never: Rule = (v, path) => v === undefined || fail(path, 'a necessary purpose cannot be sensitive or a sale: split it into two purposes');
      // PIPL Art. 39: personal information sent out of China needs its own consent, never part of "Accept all".
      const abroad = typeof home == 'string' && /^cn$/i.test(home) && isObject(p) && Array.isArray(p.recipients) && p.recipients.some((r) => isObject(r) && typeof r.country == 'string' && !/^cn$/i.test(r.country));
      const separate: Rule = (v, path) => v === true || fail(path, 'must be true: a recipient outside China gets this data, and PIPL Art. 39 asks a separate consent for that');
      shape({
        id: text("a kebab-case id like 'credit-scoring'", /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/),
        title: localized,
        description: necessary ? localized : perLocale(specific(), specific(` (or one per locale: { '${fallback}': '…' })`)),
        data: necessary ? optional(list(localized)) : list(localized, true),
        retention: necessary ? optional(localized) : localized,
        recipients: optional(list(shape({ name: localized, country, url: optional(text('an http(s) URL', anyOf(HTTP_URL))), contact: optional(text('an email or an http(s) URL', anyOf(EMAIL, HTTP_URL))) }))),
        necessary: flag,
        sensitive: necessary ? never : abroad ? separate : flag,
        sale: necessary ? never : flag,
        hosts: optional(list(text("a bare host like 'stats.example.com'", /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i))),
        storage: optional(list(text())),
      })(p, path, fail);
      const id = isObject(p) && p.id;
      if (typeof id == 'string') {
        if (ids.has(id)) fail(path + '.id', `repeats ${ids.get(id)}.id: make it unique`);
        else ids.set(id, path);
      }
    };

    object('an object { controller, policy, purposes }', {
      controller: shape({ name: localized, contact: text("an email, an http(s) URL or a same-origin path like '/contact'", anyOf(EMAIL, HTTP_URL, PATH)), country }),
      policy: shape({ version: text(), url: perLocale(pageUrl) }),
      purposes: list(purpose, true),
      locale: optional(text()),
      texts: optional(object('an object of locale → texts', undefined, object('an object of key → text', undefined, text()))),
      // 13 months is the CNIL's cap on how long a consent choice may be kept before asking again.
      expiresAfterDays: (v, path) => v === undefined || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 395) || fail(path, 'must be an integer from 1 to 395 (13 months, the CNIL cap)'),
      storageName: optional(text()),
      receipts: optional(shape({ endpoint: text("an http(s) URL or a same-origin path like '/consent-receipts'", PAGE_URL) })),
      // Read after `purposes`, so the ids are known.
      consentMode: (v, path) => {
        if (v === undefined) return;
        const type: Rule = (type, path) => CONSENT_MODE_TYPES.includes(type as ConsentModeType) || fail(path, 'must be one of ' + CONSENT_MODE_TYPES.join(', '));
        object('an object of purpose id → Consent Mode types', undefined, list(type, true))(v, path, fail);
        for (const id of isObject(v) ? Object.keys(v) : []) {
          if (!ids.has(id) && !UNSAFE.includes(id)) fail(at(path, id), `is not a purpose in the config; ${didYouMean(id, [...ids.keys()] as string[], 'add it to purposes or remove it here')}`);
          // A necessary purpose is on without consent: it may stand only for the types that need none.
          else if (necessaryIds.has(id) && [(v as Obj)[id]].flat().some((type) => !['functionality_storage', 'security_storage'].includes(type as string))) {
            fail(at(path, id), 'maps a necessary purpose, granted without consent, to types that need consent: keep only functionality_storage and security_storage here');
          }
        }
      },
      networkGuard: flag,
    })(input, '', fail);
  } catch {
    // Plain data never gets here: only a getter or Proxy trap that throws.
    fail('', 'could not be read: pass plain data');
  }
  if (issues.length) throw new ConsentConfigError(issues);
  return input;
}

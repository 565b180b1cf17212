// Checks a config before anything runs and lists every problem at once, each with its path and its fix.
// Walks only the shapes it knows, so cyclic, hostile or JSON-parsed input cannot loop, pollute or throw a TypeError.
import { ConsentConfigError, type ConfigIssue } from './errors.js';
import { nearest } from './nearest.js';
import type { ConsentConfig } from './types.js';

type Obj = { readonly [key: string]: unknown };
/** Field → [what it must be, pattern it must match, optional]. */
type Fields = { readonly [key: string]: readonly [string, (RegExp | undefined)?, true?] };

const TEXT = 'a non-empty string';
// `//host` and `/\host` are other origins to a browser, which also drops tabs and newlines inside a URL.
const WEB = /^https?:\/\/[^\s/?#\\]+\S*$/i;
const PAGE = /^(https?:\/\/[^\s/?#\\]+|\/(?![/\\]))\S*$/i;
const CONTACT = /^([^\s@:/]+@[^\s@:/]+\.[^\s@:/]+|(https?:\/\/[^\s/?#\\]+|\/(?![/\\]))\S*)$/i;
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i;

const CONTROLLER: Fields = { name: [TEXT], contact: ["an email, an http(s) URL or a same-origin path like '/contact'", CONTACT] };
const POLICY: Fields = { version: [TEXT], url: ["an http(s) URL or a same-origin path like '/privacy'", PAGE] };
const RECIPIENT: Fields = { name: [TEXT], country: [TEXT, undefined, true], url: ['an http(s) URL', WEB, true] };
const ROOT = ['controller', 'policy', 'purposes', 'locale', 'texts', 'expiresAfterDays', 'storageName'];
const PURPOSE = ['id', 'title', 'description', 'data', 'retention', 'recipients', 'necessary', 'sensitive', 'sale', 'hosts', 'storage'];
// Switches other tools have for pre-ticked or implied consent. Consent must be an explicit yes (GDPR Recital 32,
// PIPL Art. 14), so Optin has none, and refuses them rather than let a site believe one works.
const IMPLIED = ['default', 'defaultEnabled', 'enabled', 'checked', 'preChecked', 'optOut', 'autoAccept', 'consentOnScroll', 'consentOnDismiss', 'impliedConsent', 'mode'];
// Keys that reach Object.prototype when some later code merges the config.
const UNSAFE = ['__proto__', 'constructor', 'prototype'];

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
const isObject = (v: unknown): v is Obj => Object.prototype.toString.call(v) == '[object Object]';

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
  try {
    check(input, (path, message) => {
      issues.push({ path, message });
    });
  } catch {
    // Plain data never gets here: only a getter or Proxy trap that throws.
    issues.push({ path: '', message: 'could not be read: pass plain data' });
  }
  if (issues.length) throw new ConsentConfigError(issues);
  return input;
}

/** Walks the known shapes of the config `c`, reporting each problem through `add`. */
function check(c: unknown, add: (path: string, message: string) => void): void {
  const fail = (path: string, what: string): false => {
    add(path, 'must be ' + what);
    return false;
  };
  const str = (path: string, v: unknown, what = TEXT, pattern = /\S/): v is string => (typeof v == 'string' && pattern.test(v)) || fail(path, what);

  /** A plain object with only `known` keys (any key but the unsafe ones when `known` is null). */
  const object = (path: string, v: unknown, known: readonly string[] | null, what = 'an object'): v is Obj => {
    if (!isObject(v)) return fail(path, what);
    for (const key of Object.keys(v)) {
      const p = at(path, key);
      if (UNSAFE.includes(key)) add(p, 'is refused (prototype pollution): remove it');
      else if (known && IMPLIED.includes(key)) {
        add(p, `\`${key}\`: Optin has no such switch; consent must be an explicit yes (GDPR Recital 32, PIPL Art. 14) and every non-necessary purpose starts off. Remove it`);
      } else if (known && !known.includes(key)) {
        const near = nearest(key, known);
        add(p, `\`${key}\` is not a config key; ${near ? `did you mean \`${near}\`?` : 'remove it'}`);
      }
    }
    return true;
  };

  /** An object of strings described by `table`. */
  const fields = (path: string, v: unknown, table: Fields) => {
    const keys = Object.keys(table);
    if (!object(path, v, keys, `an object { ${keys.join(', ')} }`)) return;
    for (const [key, [what, pattern, optional]] of Object.entries(table)) {
      if (!optional || v[key] !== undefined) str(at(path, key), v[key], what, pattern);
    }
  };

  /** An array whose items each pass `each`. Left out is fine unless `need`, which also wants one item or more. */
  const list = (path: string, v: unknown, each: (item: unknown, path: string, i: number) => void, need = false) => {
    if (v === undefined && !need) return;
    if (!Array.isArray(v) || (need && !v.length)) return void fail(path, need ? 'a non-empty array' : 'an array');
    for (const [i, item] of v.entries()) each(item, `${path}[${i}]`, i);
  };

  /** An object of any safe keys whose values each pass `each`. */
  const map = (path: string, v: unknown, each: (value: unknown, path: string) => void, what?: string) => {
    if (object(path, v, null, what)) for (const [key, value] of Object.entries(v)) each(value, at(path, key));
  };

  if (!object('', c, ROOT, 'an object { controller, policy, purposes }')) return;
  fields('controller', c.controller, CONTROLLER);
  fields('policy', c.policy, POLICY);
  for (const key of ['locale', 'storageName']) if (c[key] !== undefined) str(key, c[key]);
  const days = c.expiresAfterDays;
  if (days !== undefined && !(typeof days == 'number' && Number.isInteger(days) && days >= 1 && days <= 395)) {
    // 13 months is the CNIL's cap on how long a consent choice may be kept before asking again.
    fail('expiresAfterDays', 'an integer from 1 to 395 (13 months, the CNIL cap)');
  }
  if (c.texts !== undefined) map('texts', c.texts, (t, p) => map(p, t, (s, q) => str(q, s), 'an object of key → text'), 'an object of locale → texts');

  const fallback = typeof c.locale == 'string' && c.locale ? c.locale : 'en';
  /** LocalizedText: a non-empty string, or locale → non-empty string with the fallback locale among them. */
  const localized = (path: string, v: unknown, optional = false) => {
    if (optional && v === undefined) return;
    if (!isObject(v)) return void str(path, v, `${TEXT} or { '${fallback}': '…' }`);
    map(path, v, (text, p) => str(p, text));
    if (!Object.hasOwn(v, fallback)) add(path, `has no '${fallback}' text: add one (the fallback locale)`);
  };

  const ids = new Map<string, number>();
  const purpose = (p: unknown, path: string, i: number) => {
    if (!object(path, p, PURPOSE, 'an object { id, title, description, … }')) return;
    const key = (name: string) => at(path, name);
    if (str(key('id'), p.id, "a kebab-case id like 'credit-scoring'", KEBAB)) {
      const first = ids.get(p.id);
      if (first === undefined) ids.set(p.id, i);
      else add(key('id'), `repeats purposes[${first}].id: make it unique`);
    }
    // Only a strictly necessary purpose may leave out what it collects and how long it keeps it.
    const necessary = p.necessary === true;
    localized(key('title'), p.title);
    localized(key('description'), p.description);
    localized(key('retention'), p.retention, necessary);
    list(key('data'), p.data, (d, dp) => localized(dp, d), !necessary);
    list(key('recipients'), p.recipients, (r, rp) => fields(rp, r, RECIPIENT));
    list(key('hosts'), p.hosts, (h, hp) => str(hp, h, "a bare host like 'stats.example.com'", HOST));
    list(key('storage'), p.storage, (s, sp) => str(sp, s));
    for (const flag of ['necessary', 'sensitive', 'sale']) {
      if (p[flag] !== undefined && p[flag] !== true) add(key(flag), 'must be true: omit it instead of false');
      else if (necessary && flag != 'necessary' && p[flag]) add(key(flag), 'a necessary purpose cannot be sensitive or a sale: split it into two purposes');
    }
  };
  list('purposes', c.purposes, purpose, true);
}

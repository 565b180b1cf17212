// Checks a config before anything runs and lists every problem at once, each with its path and its fix.
// Walks only the shapes it knows, so cyclic, hostile or JSON-parsed input cannot loop, pollute or throw a TypeError.
import { ConsentConfigError, type ConfigIssue } from './errors.js';
import { nearest } from './nearest.js';
import type { ConsentConfig } from './types.js';

type Obj = { readonly [key: string]: unknown };
/** Checks the value at `path`, reporting each problem. */
type Rule = (value: unknown, path: string) => unknown;

// `//host` and `/\host` are other origins to a browser, which also drops tabs and newlines inside a URL.
const ORIGIN = 'https?:\\/\\/[^\\s/?#\\\\]+';
const PAGE = `(${ORIGIN}|\\/(?![/\\\\]))\\S*`;
const WEB = RegExp(`^${ORIGIN}\\S*$`, 'i');
/** An http(s) URL or a same-origin path (`/privacy`): never javascript:, data: or `//other-host`. */
export const PAGE_URL = RegExp(`^${PAGE}$`, 'i');
// Switches other tools have for pre-ticked or implied consent. Consent must be an explicit yes (GDPR Recital 32,
// PIPL Art. 14), so Optin has none, and refuses them rather than let a site believe one works.
const IMPLIED = ['default', 'defaultEnabled', 'enabled', 'checked', 'preChecked', 'optOut', 'autoAccept', 'consentOnScroll', 'consentOnDismiss', 'impliedConsent', 'mode'];
// Keys that reach Object.prototype when some later code merges the config.
const UNSAFE = ['__proto__', 'constructor', 'prototype'];

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
  const add = (path: string, message: string) => issues.push({ path, message });
  const at = (path: string, key: string) => (path ? path + '.' + key : key);

  /** A string with something in it (matching `pattern`). */
  const text =
    (what = 'a non-empty string', pattern = /\S/): Rule =>
    (v, path) =>
      (typeof v == 'string' && pattern.test(v)) || add(path, 'must be ' + what);
  const optional =
    (rule: Rule): Rule =>
    (v, path) =>
      v === undefined || rule(v, path);

  /** Whether `v` is a plain object; reports its unknown (`known` given), implied-consent and unsafe keys. */
  const object = (v: unknown, path: string, what: string, known?: readonly string[]): v is Obj => {
    if (!isObject(v)) return !add(path, 'must be ' + what);
    for (const key of Object.keys(v)) {
      if (UNSAFE.includes(key)) add(at(path, key), 'is refused (prototype pollution): remove it');
      else if (known && IMPLIED.includes(key)) {
        add(at(path, key), `\`${key}\`: Optin has no such switch; consent must be an explicit yes (GDPR Recital 32, PIPL Art. 14) and every non-necessary purpose starts off. Remove it`);
      } else if (known && !known.includes(key)) {
        const near = nearest(key, known);
        add(at(path, key), `\`${key}\` is not a config key; ${near ? `did you mean \`${near}\`?` : 'remove it'}`);
      }
    }
    return true;
  };
  /** An object with exactly these fields, each checked by its rule. */
  const shape =
    (fields: { readonly [key: string]: Rule }, what?: string): Rule =>
    (v, path) => {
      const known = Object.keys(fields);
      if (object(v, path, what ?? `an object { ${known.join(', ')} }`, known)) for (const key of known) fields[key]!(v[key], at(path, key));
    };
  /** An object of any safe keys whose values pass `rule`. */
  const map =
    (rule: Rule, what: string): Rule =>
    (v, path) =>
      object(v, path, what) && Object.entries(v).forEach(([key, value]) => rule(value, at(path, key)));
  /** An array whose items pass `rule`; `needed`: with one item or more. */
  const list =
    (rule: Rule, needed?: boolean): Rule =>
    (v, path) =>
      Array.isArray(v) && (v.length || !needed) ? [...(v as unknown[])].forEach((item, i) => rule(item, `${path}[${i}]`)) : add(path, `must be ${needed ? 'a non-empty array' : 'an array'}`);

  try {
    const locale = isObject(input) && input.locale;
    const fallback = typeof locale == 'string' && locale ? locale : 'en';
    /** A text, or one per locale with the fallback locale among them. */
    const localized: Rule = (v, path) =>
      isObject(v)
        ? (map(text(), '')(v, path), Object.hasOwn(v, fallback) || add(path, `has no '${fallback}' text: add one (the fallback locale)`))
        : text(`a non-empty string or { '${fallback}': '…' }`)(v, path);
    const flag: Rule = (v, path) => v === undefined || v === true || add(path, 'must be true: omit it instead of false');
    const ids = new Map<unknown, string>();

    const purpose: Rule = (p, path) => {
      // Only a strictly necessary purpose may leave out what it collects and how long it keeps it; it can never
      // be sensitive or a sale, since it is on without consent.
      const necessary = isObject(p) && p.necessary === true;
      const never: Rule = (v, path) => v === undefined || add(path, 'a necessary purpose cannot be sensitive or a sale: split it into two purposes');

      shape({
        id: text("a kebab-case id like 'credit-scoring'", /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/),
        title: localized,
        description: localized,
        data: necessary ? optional(list(localized)) : list(localized, true),
        retention: necessary ? optional(localized) : localized,
        recipients: optional(list(shape({ name: text(), country: optional(text()), url: optional(text('an http(s) URL', WEB)) }))),
        necessary: flag,
        sensitive: necessary ? never : flag,
        sale: necessary ? never : flag,
        hosts: optional(list(text("a bare host like 'stats.example.com'", /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i))),
        storage: optional(list(text())),
      })(p, path);
      const id = isObject(p) && p.id;
      if (typeof id == 'string') {
        if (ids.has(id)) add(path + '.id', `repeats ${ids.get(id)}.id: make it unique`);
        else ids.set(id, path);
      }
    };

    shape({
      controller: shape({ name: text(), contact: text("an email, an http(s) URL or a same-origin path like '/contact'", RegExp(`^([^\\s@:/]+@[^\\s@:/]+\\.[^\\s@:/]+|${PAGE})$`, 'i')), country: optional(text()) }),
      policy: shape({ version: text(), url: text("an http(s) URL or a same-origin path like '/privacy'", PAGE_URL) }),
      purposes: list(purpose, true),
      locale: optional(text()),
      texts: optional(map(map(text(), 'an object of key → text'), 'an object of locale → texts')),
      // 13 months is the CNIL's cap on how long a consent choice may be kept before asking again.
      expiresAfterDays: (v, path) => v === undefined || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 395) || add(path, 'must be an integer from 1 to 395 (13 months, the CNIL cap)'),
      storageName: optional(text()),
    }, 'an object { controller, policy, purposes }')(input, '');
  } catch {
    // Plain data never gets here: only a getter or Proxy trap that throws.
    add('', 'could not be read: pass plain data');
  }
  if (issues.length) throw new ConsentConfigError(issues);
  return input;
}

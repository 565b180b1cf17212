// Google Consent Mode v2: tells Google's tags which consent types the person's decisions allow, through
// gtag('consent', …): a default with every mapped type denied before any tag runs, then an update on every change.
import { ConsentConfigError, ConsentError, type ConfigIssue } from './errors.js';
import { nearest } from './nearest.js';
import type { Consent } from './types.js';

// The consent types Google's tags read (support.google.com/analytics/answer/12334711).
const TYPES = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage', 'security_storage'] as const;

/**
 * A consent type of Google Consent Mode v2.
 * @example const types: ConsentModeType[] = ['ad_storage', 'ad_user_data', 'ad_personalization'];
 */
export type ConsentModeType = (typeof TYPES)[number];

/**
 * Purpose id → the consent types it grants. A type mapped from several purposes needs all of them.
 * @example const mapping: ConsentModeMapping = { analytics: ['analytics_storage'], marketing: ['ad_storage'] };
 */
export type ConsentModeMapping<Id extends string = string> = { readonly [K in Id]?: readonly ConsentModeType[] };

/**
 * Options of `consentMode()`. `waitForUpdate`: milliseconds Google's tags wait for an update before acting on the
 * default (`wait_for_update`).
 * @example consentMode(consent, { analytics: ['analytics_storage'] }, { waitForUpdate: 500 });
 */
export type ConsentModeOptions = { readonly waitForUpdate?: number | undefined };

type GoogleWindow = { dataLayer?: unknown[]; gtag?: (...args: unknown[]) => void };
const isObject = (v: unknown): v is { readonly [key: string]: unknown } => Object.prototype.toString.call(v) == '[object Object]';
const hint = (near: string | undefined, otherwise: string) => (near ? `did you mean "${near}"?` : otherwise);

/** Every problem of the arguments, with its path and fix. Reads plain data only, so never a TypeError. */
function check(consent: unknown, mapping: unknown, options: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fail = (path: string, message: string) => void issues.push({ path, message });
  try {
    const purposes = (consent as Partial<Consent> | null)?.config?.purposes;
    if (!Array.isArray(purposes)) return [{ path: 'consent', message: 'must be the instance createConsent() returns' }];
    const ids = purposes.map((p: { id: string }) => p.id);
    if (!isObject(mapping)) fail('consentMode', "must be an object of purpose id → consent types, like { analytics: ['analytics_storage'] }");
    for (const [id, types] of isObject(mapping) ? Object.entries(mapping) : []) {
      const path = 'consentMode.' + id;
      if (!ids.includes(id)) fail(path, 'is not a purpose in the config; ' + hint(nearest(id, ids), 'add it to purposes or remove it here'));
      else if (!Array.isArray(types)) fail(path, "must be an array of consent types, like ['analytics_storage']");
      else {
        [...(types as unknown[])].forEach((type, i) => {
          const near = typeof type == 'string' ? nearest(type, TYPES) : undefined;
          if (!TYPES.includes(type as ConsentModeType)) fail(`${path}[${i}]`, 'is not a Consent Mode type; ' + hint(near, 'use one of ' + TYPES.join(', ')));
        });
      }
    }
    const wait = isObject(options) ? options.waitForUpdate : undefined;
    if (options !== undefined && !isObject(options)) fail('options', 'must be an object { waitForUpdate }');
    else if (wait !== undefined && !(Number.isInteger(wait) && (wait as number) >= 0)) fail('consentMode.waitForUpdate', 'must be a whole number of milliseconds, like 500');
  } catch {
    // Only a getter or Proxy trap that throws gets here.
    fail('consentMode', 'could not be read: pass plain data');
  }
  return issues;
}

/**
 * Sends Google Consent Mode v2 signals from the person's decisions. At once, so that it precedes any Google tag
 * loaded after it: defines `window.gtag` as Google's snippet does if the page has none, and sends
 * `gtag('consent', 'default', …)` with every mapped type `denied` (`granted` only when its purposes are necessary
 * or already granted). Then `gtag('consent', 'update', …)` whenever that map changes: stored decisions once
 * `ready`, each decision, withdrawal, reset, and those of other tabs. A type mapped from several purposes is
 * granted only while all of them are; undecided counts as denied. Throws one `ConsentConfigError` listing every
 * problem of the arguments; after that it never throws into the page. Returns the function that stops the updates.
 * @example
 * const consent = createConsent(config);
 * consentMode(consent, { analytics: ['analytics_storage'], marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'] });
 * // then the Google tag: <script async src="https://www.googletagmanager.com/gtag/js?id=G-…"></script>
 */
export function consentMode<Id extends string>(consent: Consent<Id>, mapping: ConsentModeMapping<NoInfer<Id>>, options?: ConsentModeOptions): () => void {
  const issues = check(consent, mapping, options);
  if (issues.length) throw new ConsentConfigError(issues);
  const entries = Object.entries(mapping) as [Id, readonly ConsentModeType[]][];
  const w = globalThis as GoogleWindow;
  w.dataLayer ||= [];
  // gtag.js runs only the dataLayer entries that are `arguments` objects, as Google's snippet pushes them: an
  // array (from rest parameters) is silently ignored.
  w.gtag ||= function () {
    // eslint-disable-next-line prefer-rest-params
    (w.dataLayer ||= []).push(arguments);
  };
  const map = () => {
    const result: { [type: string]: 'granted' | 'denied' } = {};
    for (const [id, types] of entries) for (const type of types) result[type] = result[type] != 'denied' && consent.has(id) ? 'granted' : 'denied';
    return result;
  };
  // A throwing gtag (a page's own wrapper) must not undo the decision that led here; what it refused is sent again.
  const send = (command: string, value: object) => {
    try {
      w.gtag!('consent', command, value);
      return true;
    } catch (cause) {
      console.error(new ConsentError('callback', `gtag('consent', '${command}') threw: Google's tags may not know the person's choice.`, cause));
    }
  };
  let last = map();
  let stopped = false;
  const update = () => {
    const next = map();
    if (!stopped && JSON.stringify(next) != JSON.stringify(last) && send('update', next)) last = next;
  };
  const wait = options?.waitForUpdate;
  send('default', wait === undefined ? last : { ...last, wait_for_update: wait });
  const off = consent.on('change', update);
  void consent.ready.then(update);
  return () => {
    stopped = true;
    off();
  };
}

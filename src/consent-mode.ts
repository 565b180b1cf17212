// Google Consent Mode v2: tells Google's tags which consent types the person's decisions allow, through
// gtag('consent', …): a default with every mapped type denied before any tag runs, then an update on every change.
import { ConsentError } from './errors.js';
import type { Consent } from './types.js';

type GoogleWindow = { dataLayer?: unknown[]; gtag?: (...args: unknown[]) => void };

/**
 * Sends Google Consent Mode v2 signals for `config.consentMode` (purpose id → consent types); nothing when the
 * config has none. At once, so that it precedes any Google tag loaded after it: defines `window.gtag` as Google's
 * snippet does if the page has none, and sends `gtag('consent', 'default', …)` with every mapped type `denied`
 * (`granted` only when its purposes are necessary or already granted) and `wait_for_update: 500`, so that a tag
 * waits for the stored decisions. Then `gtag('consent', 'update', …)` whenever that map changes: stored decisions
 * once `ready`, each decision, withdrawal, reset, and those of other tabs. A type mapped from several purposes is
 * granted only while all of them are; undecided counts as denied. Never throws into the page. Returns the function
 * that stops the updates. The script tag calls it for you. Without a window (rendered on a server) it does nothing:
 * Google's tags run in the person's browser, and a server's one `dataLayer` would grow with every request.
 * @example
 * const consent = createConsent({ ...config, consentMode: { analytics: ['analytics_storage'], marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'] } });
 * consentMode(consent);
 * // then the Google tag: <script async src="https://www.googletagmanager.com/gtag/js?id=G-…"></script>
 */
export function consentMode(consent: Consent): () => void {
  const entries = Object.entries(consent.config.consentMode ?? {});
  const w = globalThis.window as GoogleWindow | undefined;
  let stopped = false;
  if (!entries.length || !w) return () => undefined;
  // Only an array and a function are Google's: browsers expose an element by its id or name on window (<div
  // id="gtag">, DOM clobbering), and calling that would send no default, which Google's tags take for consent.
  if (!Array.isArray(w.dataLayer)) w.dataLayer = [];
  // gtag.js runs only the dataLayer entries that are `arguments` objects, as Google's snippet pushes them: an
  // array (from rest parameters) is silently ignored.
  if (typeof w.gtag != 'function') w.gtag = function () {
    // eslint-disable-next-line prefer-rest-params
    (w.dataLayer ||= []).push(arguments);
  };
  const map = () => {
    const result: { [type: string]: 'granted' | 'denied' } = {};
    for (const [id, types] of entries) for (const type of types ?? []) result[type] = result[type] != 'denied' && consent.has(id) ? 'granted' : 'denied';
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
  const initial = map();
  // A default that gtag refused is made up for by the next update, which is then sent whatever changed.
  let last = send('default', { ...initial, wait_for_update: 500 }) ? initial : {};
  const update = () => {
    const next = map();
    if (!stopped && JSON.stringify(next) != JSON.stringify(last) && send('update', next)) last = next;
  };
  const off = consent.on('change', update);
  void consent.ready.then(update);
  return () => {
    stopped = true;
    off();
  };
}

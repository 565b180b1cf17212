// Finds the config of a script-tag install: the file named by `data-config` on Optin's own script tag, else the
// JSON in `<script type="application/json" id="optin-config">`. Every failure names what to fix.
import { ConsentConfigError } from '../src/index.js';
import { member } from '../src/dom.js';

// The config says what people consent to and where the proof goes: an https URL, or a URL of this page's own origin
// (a path like '/optin.json', or one relative to the page like 'optin.json'), never plain http from elsewhere (nor
// `//other-host` on an http page). Resolved against the page, as fetch resolves it, past
// markup named "baseURI" (src/dom.ts), against which no path resolves: Optin would not start.
const allowed = (url: string) => {
  try {
    const { protocol, origin } = new URL(url, member(document, 'baseURI'));
    return protocol == 'https:' || (protocol == 'http:' && origin == location.origin);
  } catch {
    return false; // not a URL at all
  }
};

const problem = (path: string, message: string) => new ConsentConfigError([{ path, message }]);

const parse = (text: string, path: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw problem(path, `is not valid JSON (${(error as Error).message}): check quotes, commas and brackets`);
  }
};

/**
 * Reads the raw config for the script-tag build; `createConsent` validates it. `script` is Optin's own tag
 * (`document.currentScript`). Rejects with a `ConsentConfigError` when the tag is missing, the JSON is broken
 * or the file cannot be loaded.
 * @example
 * // <script src="/optin.global.js" data-config="/optin.json" defer></script>
 * const config = await readConfig(document.currentScript);
 */
export async function readConfig(script: Element | null, doc: Document = document): Promise<unknown> {
  const url = script?.getAttribute('data-config');
  if (url != null) {
    if (!allowed(url)) throw problem('data-config', `must be an https URL or a same-origin path like '/optin.json', not "${url}"`);
    let response: Response;
    try {
      response = await fetch(url, { credentials: 'same-origin' });
    } catch (cause) {
      throw problem('data-config', `${url} could not be loaded (${String(cause)}): check the URL, and CORS for another origin`);
    }
    if (!response.ok) throw problem('data-config', `${url} answered HTTP ${response.status}: check the URL`);
    const text = await response.text();
    // A server that answers every path with its page (a single-page app's fallback) sends HTML: the URL is wrong,
    // not the JSON. No JSON starts with '<'.
    if (/^\s*</.test(text)) throw problem('data-config', `${url} answered with an HTML page, not JSON: check the URL`);
    return parse(text, 'data-config');
  }
  // Only a script element: other markup may carry the id (a comment, a CMS block) but is no config. Two that differ
  // (a theme and a plugin each added one) leave which is the site's to guess: refused.
  // Past markup named "querySelectorAll" (src/dom.ts): Optin would not start, without even the Consent Mode default
  // for Google's tags.
  const [tag, ...more] = member(doc, 'querySelectorAll')('script#optin-config');
  if (more.some((other) => other.textContent != tag!.textContent)) {
    throw problem('#optin-config', `found ${more.length + 1} that differ: keep one <script type="application/json" id="optin-config">`);
  }
  if (!tag) {
    throw problem(
      '#optin-config',
      'not found: add <script type="application/json" id="optin-config">{ … }</script> to the page, or data-config="/optin.json" to the Optin script tag',
    );
  }
  return parse(tag.textContent ?? '', '#optin-config');
}

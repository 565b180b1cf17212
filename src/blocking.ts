// Declarative blocking: finds `<script type="text/plain" data-consent>` and `<iframe data-consent data-src>` as the page
// changes, and runs each granted script once, in document order, never after a no (embeds: src/embeds.ts).
import { member } from './dom.js';
import { blockFrames, loadable } from './embeds.js';
import { didYouMean } from './nearest.js';
import type { Consent } from './types.js';

const SELECTOR = 'script[type="text/plain"][data-consent],iframe[data-consent][data-src]';
// Declared but not inert: a tracker that ran or loaded before any consent, the site's mistake to report.
const MISTAKES = 'script[data-consent]:not([type="text/plain"]),iframe[data-consent][src]:not([data-src])';

/**
 * Keeps declared third-party scripts and embeds inert until their purpose is granted (re-checked on every
 * `change`), including elements added later. A granted `<script type="text/plain" data-consent="id">` is
 * replaced by a real script (type from `data-type`, nonce kept) once; an `<iframe data-consent="id"
 * data-src="…">` gets its `src`, and until then a button before it asks for consent (class `optin-placeholder`;
 * its text can be set per locale as `texts[locale].blockedContent` with `{purpose}` in it). Unknown ids and unsafe
 * URLs are ignored with a console warning. Returns the stop function. Without a document (rendered on a server) it
 * does nothing.
 * @example
 * // <script type="text/plain" data-consent="analytics" src="https://stats.example/tag.js"></script>
 * // <iframe data-consent="marketing" data-src="https://video.example/embed/1" title="Video"></iframe>
 * const stop = blockElements(consent);
 */
export function blockElements(consent: Consent, root: ParentNode | undefined = globalThis.document): () => void {
  // Server-side rendering: nothing to block there, and a ReferenceError would break the page's render.
  if (!root) return () => undefined;
  // Every member of the document read past markup named like it (src/dom.ts): <img name="querySelectorAll"> kept
  // a declared script blocked after its yes, and an embed without the button that asks for it.
  const doc = member(root, 'ownerDocument') ?? (root as Document);
  const of = <K extends keyof Document>(name: K) => member(doc, name);
  const ids = consent.config.purposes.map((p) => p.id);
  // Scripts already queued to run, and elements already warned about: each is handled once.
  const done = new WeakSet<Element>();
  const queue: HTMLScriptElement[] = [];
  let loading = 0;
  const [frame, dropButton, dropButtons] = blockFrames(consent, doc);

  const ignore = (el: Element, why: string) => {
    done.add(el);
    console.warn(`Optin: ${why}; this element stays blocked.`, el);
  };

  // Runs queued scripts in order.
  const run = () => {
    for (let old = queue[0]; old; old = queue[0]) {
      // An inline script waits for the external ones before it, as the page would have made it wait.
      if (loading && !old.hasAttribute('src')) return;
      queue.shift();
      // Withdrawn while it waited for the scripts before it: it stays blocked (and is queued again on a later yes).
      if (!old.isConnected || !consent.has(old.dataset.consent!)) {
        done.delete(old);
        continue;
      }
      const script = of('createElement')('script');
      done.add(script);
      for (const { name, value } of old.attributes) if (name != 'type' && name != 'data-type') script.setAttribute(name, value);
      const type = old.getAttribute('data-type');
      if (type) script.type = type;
      // Browsers hide a parsed nonce attribute's value (nonce hiding); only the property still holds it.
      if (old.nonce) script.nonce = old.nonce;
      script.text = old.text;
      // Inserted scripts are async by default; several would then run in whatever order they arrive. A classic script
      // marked nomodule is skipped in silence by a browser that runs modules, with no load or error event to wait for.
      if (script.src && !old.hasAttribute('async') && !(script.noModule && !/^\s*module\s*$/i.test(script.type))) {
        script.async = false;
        loading++;
        const next = () => {
          loading--;
          run();
        };
        script.addEventListener('load', next);
        script.addEventListener('error', next);
      }
      old.replaceWith(script);
    }
  };

  const scan = () => {
    // While the parser is still adding an inline script its text may be cut short: wait for the whole page.
    if (of('readyState') == 'loading') return;
    dropButtons();
    // One pass over the page for both: it runs on every batch of DOM changes.
    for (const el of member(root, 'querySelectorAll')<HTMLScriptElement | HTMLIFrameElement>(SELECTOR + ',' + MISTAKES)) {
      const id = el.dataset.consent!;
      if (done.has(el)) continue;
      if (!el.matches(SELECTOR)) {
        done.add(el);
        console.warn('Optin: data-consent alone blocks nothing; this ran before any consent. Give a script type="text/plain", an embed data-src instead of src.', el);
      } else if (!ids.includes(id)) ignore(el, `data-consent="${id}" is not a purpose in the config; ${didYouMean(id, ids, 'add it to purposes')}`);
      else if (el.localName == 'iframe') {
        if (loadable(el)) frame(el as HTMLIFrameElement, id);
        else ignore(el, `data-src="${el.dataset.src}" is not an http(s) URL or a same-origin path`);
      } else if (consent.has(id)) {
        done.add(el);
        queue.push(el as HTMLScriptElement);
      }
    }
    run();
  };

  // What the page's own rules refuse (a Trusted Types policy refusing a script's text, say) leaves the element
  // blocked and is logged, never thrown into the page. On `change`, the core reports it as an `error` event.
  const scanSafely = () => {
    try {
      scan();
    } catch (error) {
      console.error('Optin: a declared element could not be unblocked; it stays blocked.', error);
    }
  };
  // Apps (React, Vue) also set or change data-consent and data-src on an element already in the page: it is looked
  // at anew, its button rebuilt only when it names another purpose (focus may be on it). A script already queued has
  // been handled for good.
  const observer = new MutationObserver((changes) => {
    for (const { attributeName, target } of changes) {
      if (attributeName && !queue.includes(target as HTMLScriptElement)) {
        done.delete(target as Element);
        if (attributeName == 'data-consent') dropButton(target as HTMLIFrameElement);
      }
    }
    scanSafely();
  });
  observer.observe(root, { childList: true, subtree: true, attributeFilter: ['data-consent', 'data-src'] });
  const off = consent.on('change', scan);
  of('addEventListener')('DOMContentLoaded', scanSafely);
  scanSafely();
  return () => {
    observer.disconnect();
    off();
    of('removeEventListener')('DOMContentLoaded', scanSafely);
    dropButtons(true);
    queue.length = 0;
  };
}

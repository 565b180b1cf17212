// Declarative blocking: `<script type="text/plain" data-consent>` and `<iframe data-consent data-src>` stay inert
// until their purpose is granted, then run or load once, in document order; never after a no.
import { PAGE_URL } from './config.js';
import { member } from './dom.js';
import { didYouMean } from './nearest.js';
import { localize, own } from './text.js';
import type { Consent } from './types.js';

/**
 * A data-src relative to the page (`embed/1`, `../video`, against its `<base href>` as the browser resolves it) that
 * loads from the page's own origin, as '/embed/1' does. Resolved, not matched: the URL parser drops tabs and line
 * breaks, so `java&#10;script:` is javascript:, whose origin is none; blob: keeps the origin, not the scheme.
 */
const sameOrigin = (el: HTMLElement) => {
  try {
    const { origin, protocol } = new URL(el.dataset.src!, el.baseURI);
    return origin == location.origin && protocol == location.protocol;
  } catch {
    return false; // no URL at all
  }
};
const SELECTOR = 'script[type="text/plain"][data-consent],iframe[data-consent][data-src]';
// Declared but not inert: a tracker that ran or loaded before any consent, the site's mistake to report.
const MISTAKES = 'script[data-consent]:not([type="text/plain"]),iframe[data-consent][src]:not([data-src])';
// The placeholder's text; a site overrides it with `texts: { [locale]: { blockedContent: '…{purpose}…' } }`.
const TEXTS: { readonly [locale: string]: string } = {
  en: 'Show content that needs your consent for “{purpose}”',
  'zh-CN': '显示需要您同意“{purpose}”的内容',
};

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
  // Each loaded frame and the data-src it was given: an app that shows another embed in it changes data-src.
  const loaded = new WeakMap<HTMLIFrameElement, string>();
  // Frames this code made inert: only that is undone on a yes, never an `inert` the page set itself.
  const madeInert = new WeakSet<HTMLIFrameElement>();
  const placeholders = new Map<HTMLIFrameElement, HTMLButtonElement>();
  const queue: HTMLScriptElement[] = [];
  let loading = 0;

  const removePlaceholder = (el: HTMLIFrameElement) => {
    placeholders.get(el)?.remove();
    placeholders.delete(el);
  };
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

  // Takes the frame out and puts it back in its place, without src (and without srcdoc when an embed is to load over
  // a facade): a frame put in the page loads afresh, without a history entry, where navigating it, even with
  // location.replace from the page, adds one in Chromium, and Back would load the embed again. The same element, not a
  // copy: an app's framework (Preact, React) keeps it, and removes it with the view that showed it. The next scan
  // handles it again.
  const reinsert = (el: HTMLIFrameElement, dropFacade = false) => {
    const [parent, next] = [el.parentNode!, el.nextSibling];
    el.remove();
    el.removeAttribute('src');
    if (dropFacade) el.removeAttribute('srcdoc');
    removePlaceholder(el);
    parent.insertBefore(el, next);
  };
  // One listener per frame however often it is blocked again (the same function is added once).
  const unloadIfLoaded = (event: Event) => {
    const el = event.currentTarget as HTMLIFrameElement;
    if (placeholders.has(el) && !showsBlank(el)) reinsert(el);
  };
  // Anything but a blank page (or the page's own srcdoc, a click-to-load facade) in a blocked frame was loaded behind
  // our back: the browser restores a frame's last URL from history on going back, whatever its src says.
  const showsBlank = (el: HTMLIFrameElement) => {
    try {
      return ['about:blank', 'about:srcdoc'].includes(el.contentWindow!.location.href);
    } catch {
      // Another origin's page, unless it is a sandboxed srcdoc facade, whose origin is opaque.
      return el.hasAttribute('srcdoc') && el.hasAttribute('sandbox') && !el.sandbox.contains('allow-same-origin');
    }
  };

  const frame = (el: HTMLIFrameElement, id: string) => {
    if (consent.has(id)) {
      // A srcdoc (a click-to-load facade) would win over src, and loading over its document adds a history entry.
      if (el.hasAttribute('srcdoc') && !loaded.has(el)) return reinsert(el, true);
      if (madeInert.delete(el)) el.removeAttribute('inert');
      removePlaceholder(el);
      if (loaded.get(el) != el.dataset.src) loaded.set(el, (el.src = el.dataset.src!));
      return;
    }
    // While blocked, the empty frame is no tab stop and says nothing to assistive technology: its button does.
    if (!el.hasAttribute('inert')) {
      madeInert.add(el);
      el.setAttribute('inert', '');
    }
    // Withdrawn after it loaded, or put back by the page with a src (a snapshot restored on going back): unload it,
    // since an open embed keeps collecting.
    const src = el.getAttribute('src');
    if (loaded.delete(el) || (src && src != 'about:blank')) return reinsert(el);
    let button = placeholders.get(el);
    if (!button) {
      el.addEventListener('load', unloadIfLoaded);
      const purpose = consent.config.purposes.find((p) => p.id == id)!;
      // Labelled with the language of its text: the page's own may differ (WCAG 3.1.2). In English, as the dialogs
      // are, where the locale has neither a built-in text nor the site's own; then with the site's English text, and
      // the purpose's English title, the one the dialogs it opens show.
      const text = (locale: string) => own(own(consent.config.texts, locale), 'blockedContent') ?? own(TEXTS, locale);
      const lang = text(consent.locale) ? consent.locale : 'en';
      placeholders.set(el, (button = of('createElement')('button')));
      button.type = 'button';
      button.className = 'optin-placeholder';
      button.lang = lang;
      button.textContent = text(lang)!.replace('{purpose}', () => localize(purpose.title, lang));
      // A no or a closed prompt is an answer, not a fault: the embed just stays blocked. After a yes, focus goes to
      // the embed that took the button's place, unless the person has moved on meanwhile (the yes came later).
      const moved = () => {
        const at = of('activeElement');
        return !!at && at != of('body') && at.localName != 'optin-consent';
      };
      button.addEventListener('click', () => void consent.require(id, { ask: true }).then(() => moved() || el.focus(), () => undefined));
    }
    if (button.nextSibling != el) el.before(button);
  };

  const scan = () => {
    // While the parser is still adding an inline script its text may be cut short: wait for the whole page.
    if (of('readyState') == 'loading') return;
    for (const el of placeholders.keys()) if (!el.isConnected) removePlaceholder(el);
    // One pass over the page for both: it runs on every batch of DOM changes.
    for (const el of member(root, 'querySelectorAll')<HTMLScriptElement | HTMLIFrameElement>(SELECTOR + ',' + MISTAKES)) {
      const id = el.dataset.consent!;
      if (done.has(el)) continue;
      if (!el.matches(SELECTOR)) {
        done.add(el);
        console.warn('Optin: data-consent alone blocks nothing; this ran before any consent. Give a script type="text/plain", an embed data-src instead of src.', el);
      } else if (!ids.includes(id)) ignore(el, `data-consent="${id}" is not a purpose in the config; ${didYouMean(id, ids, 'add it to purposes')}`);
      else if (el.localName == 'iframe') {
        if (PAGE_URL.test(el.dataset.src!) || sameOrigin(el)) frame(el as HTMLIFrameElement, id);
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
        if (attributeName == 'data-consent') removePlaceholder(target as HTMLIFrameElement);
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
    placeholders.forEach((_, el) => removePlaceholder(el));
    queue.length = 0;
  };
}

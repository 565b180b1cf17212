// Declared embeds: an `<iframe data-consent data-src>` gets its src only after a yes, a button before it asks for its
// purpose until then, and a withdrawal unloads it again.
import { PAGE_URL } from './config.js';
import { member } from './dom.js';
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
/** A data-src an embed may load: an http(s) URL, or a path that loads from the page's own origin. */
export const loadable = (el: HTMLElement) => PAGE_URL.test(el.dataset.src!) || sameOrigin(el);
// The placeholder's text; a site overrides it with `texts: { [locale]: { blockedContent: '…{purpose}…' } }`.
const TEXTS: { readonly [locale: string]: string } = {
  en: 'Show content that needs your consent for “{purpose}”',
  'zh-CN': '显示需要您同意“{purpose}”的内容',
};

/**
 * Loads or blocks each embed of `doc` that blockElements (src/blocking.ts) finds, as its purpose stands. Returns
 * `frame`, called with an embed and its purpose on every scan; `dropButton`, which removes an embed's button (its
 * data-consent changed); and `dropButtons`, which removes those of embeds that left the page, or with `all` every one.
 */
export function blockFrames(consent: Consent, doc: Document) {
  const of = <K extends keyof Document>(name: K) => member(doc, name);
  // Each loaded frame and the data-src it was given: an app that shows another embed in it changes data-src.
  const loaded = new WeakMap<HTMLIFrameElement, string>();
  // Frames this code made inert: only that is undone on a yes, never an `inert` the page set itself.
  const madeInert = new WeakSet<HTMLIFrameElement>();
  const placeholders = new Map<HTMLIFrameElement, HTMLButtonElement>();

  const removePlaceholder = (el: HTMLIFrameElement) => {
    placeholders.get(el)?.remove();
    placeholders.delete(el);
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

  const dropButtons = (all?: boolean) => {
    for (const el of placeholders.keys()) if (all || !el.isConnected) removePlaceholder(el);
  };
  return [frame, removePlaceholder, dropButtons] as const;
}

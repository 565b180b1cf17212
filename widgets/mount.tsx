// mountDialogs: puts the dialogs in a shadow root on a host element of their own (page CSS cannot reach in, ours
// cannot leak out), plugs them into the core, and moves focus as layers open and close.
import { h, render } from 'preact';
import type { Consent } from '../src/index.js';
import { member } from '../src/dom.js';
import { createController, type View } from './controller.js';
import { Dialogs } from './dialogs.js';
import { activeElement, openModal, reserveRoom } from './modal.js';
import { adoptStyles } from './styles.js';
import { checkTexts, shownLocale, textsFor } from './texts.js';

/** Options of `mountDialogs`. */
export interface MountOptions {
  /** Show the small "Privacy settings" button that stays on the page (default true). */
  readonly floatingButton?: boolean;
  /** Language of the dialogs; default `consent.locale`. Decisions record the one shown. */
  readonly locale?: string;
  /** Where the host element goes; default `document.body`, or `<html>` while `<body>` has a filter or transform. */
  readonly container?: Element;
}

/** Whether an element after `host` takes room in the page's flow (is not hidden, fixed, absolute or a script). */
const pageAfter = (host: Element) => {
  for (let el = host.nextElementSibling; el; el = el.nextElementSibling) {
    const { display, position } = getComputedStyle(el);
    if (display != 'none' && position != 'fixed' && position != 'absolute') return true;
  }
  return false;
};

/**
 * Whether `element` may be the containing block of its fixed descendants rather than the window: a filter (a grey
 * page on a day of mourning), a transform (an old `translateZ(0)` hack), perspective, containment, or the promise of
 * one; the rarer ways (`translate`, `backdrop-filter`, `content-visibility`) are left out for size. Any value but the
 * initial one counts: <html> serves as well when in doubt.
 */
const holdsFixed = (element: Element) => {
  const style = getComputedStyle(element) as unknown as { readonly [name: string]: string | undefined };
  return ['filter', 'transform', 'perspective', 'contain', 'willChange'].some((name) => !/^(none|auto|visible|)$/.test(style[name] ?? ''));
};

/**
 * Renders the consent dialogs for `consent` and returns the function that removes them. The banner appears once
 * stored decisions are loaded, while any purpose it covers is undecided; `consent.show()`,
 * `consent.showPreferences()` and `consent.require()` open the layers. The host element is `<optin-consent>`:
 * set the `--optin-*` custom properties on it to theme the dialogs. Throws `ConsentConfigError` when `config.texts`
 * overrides a string the dialogs do not have, or drops or misspells a placeholder of one. Without a document
 * (rendered on a server) it draws nothing.
 * @example
 * import { createConsent } from 'optin';
 * import { mountDialogs } from 'optin/widgets';
 * const consent = createConsent(config);
 * const unmount = mountDialogs(consent, { floatingButton: false });
 * document.querySelector('#privacy')!.addEventListener('click', () => consent.showPreferences());
 */
export function mountDialogs(consent: Consent, options: MountOptions = {}): () => void {
  checkTexts(consent);
  // Rendered on a server: the dialogs come with the page's hydration in the browser, where this is called again.
  if (!globalThis.document) return () => undefined;
  // Before <body> exists (a bundle in <head> without defer), on <html>: the dialogs work at once, and the page's
  // require() prompts and show() calls are not lost. `home` becomes <html> when <body> turns out to hold the banner
  // and "Privacy settings" to itself, out of the window on a long page; <html> never does (a filter there is exempt).
  let home: Element | undefined;
  // <body> and <html> past markup named "body" or "documentElement" (src/dom.ts): the host inside an <img> shows nothing.
  const body = () => member(document, 'body');
  const html = () => member(document, 'documentElement');
  const parent = () => options.container ?? home ?? body() ?? html();
  // The next frame; some embedded webviews have no requestAnimationFrame: the next task then, never a TypeError.
  const request = globalThis.requestAnimationFrame ?? setTimeout;
  const locale = shownLocale(consent, options.locale ?? consent.locale);
  const t = textsFor(consent, locale);
  // A custom element name: page rules aimed at divs, asides or sections never match the host.
  const host = member(document, 'createElement')('optin-consent');
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root);
  parent().append(host);
  // The modal layer on top now ('prefs' or a prompt's purpose), where focus was before the first one opened, and
  // the switch in the preferences that opened a prompt over them (focus goes back to it).
  let modal: string | undefined;
  let opener: HTMLElement | null = null;
  let switchAsked: HTMLElement | null = null;
  // What the page keeps room for at its bottom (the banner, else the floating button), and how to give the page
  // its own scroll padding back; and whether the last view drew a banner.
  let room: { element: Element; release: () => void } | undefined;
  let hadBanner = false;
  // The page element focus came from into the banner, to go back to once the banner is answered or closed.
  let beforeBanner: HTMLElement | null = null;
  // The second click of a double click (`detail` 2 or more; 0 from the keyboard) does nothing in the dialogs: the first
  // one may have opened a layer, or closed one and uncovered another, whose answer is now under the pointer (a
  // "Don't allow" over the preferences' "Accept all"). Only a deliberate act answers (CHO-05).
  root.addEventListener('click', (event) => (event as MouseEvent).detail > 1 && event.stopPropagation(), true);
  root.addEventListener('focusin', (event) => {
    const from = (event as FocusEvent).relatedTarget as HTMLElement | null;
    if (from && from != host && !root.contains(from)) beforeBanner = from;
  });
  // Where focus goes back to: `to`, else the page element focus came from into the banner, else "Privacy settings"
  // (absent with floatingButton: false).
  const back = (to: HTMLElement | null) => [to, beforeBanner, root.querySelector<HTMLElement>('.fab')].find((el) => el?.isConnected)?.focus();

  const draw = (view: View) => {
    // An app that replaced the children of <body> took our host with it: "Privacy settings" and the dialogs come back.
    if (!host.isConnected) parent().append(host);
    // A page that scales itself down with CSS `zoom` (on <html> or <body>) would scale the dialogs with it: 44 px buttons
    // under 24 px, 16 px text at 6 px. The host undoes the zoom of its ancestors (where the browser can tell it).
    // Nothing is written on the host of a page without zoom.
    const zoom = (host.parentElement as (Element & { currentCSSZoom?: number }) | null)?.currentCSSZoom || 1;
    host.style.setProperty('--optin-unzoom', zoom == 1 ? '' : 1 / zoom + '');
    const next = view.prompt ?? (view.preferences ? 'prefs' : undefined);
    if (next && !modal) opener = activeElement();
    if (modal == 'prefs' && next && next != modal) switchAsked = activeElement();
    const inside = !!root.activeElement;
    render(<Dialogs consent={consent} t={t} locale={locale} c={controller} view={view} floatingButton={options.floatingButton ?? true} />, root);
    // "Choices saved" in a modal layer takes room from the content above it: the switch just used stays in view
    // (WCAG 2.4.11). Nothing moves when it is already in view.
    if (view.saved) root.activeElement?.scrollIntoView({ block: 'nearest' });
    if (next != modal) {
      // The last one drawn is on top: a prompt over the preferences.
      const dialog = [...root.querySelectorAll('dialog')].pop();
      // Back from a prompt to the preferences under it (still open): to the switch that asked.
      if (dialog?.open && switchAsked?.isConnected) switchAsked.focus();
      else if (dialog) openModal(dialog);
      // Back where it was; when that is gone (the banner's Customize, once answered), to "Privacy settings".
      else back(opener);
      modal = next;
    }
    // Keyboard users land in a new banner when nothing else has focus: on its heading, never on a button. In the
    // frame that paints it: focus forces a layout of the whole page, which here would hold up the banner's first paint.
    if (view.banner && !hadBanner && !modal) {
      request(() => {
        if (root.querySelector('.banner') && [null, body()].includes(activeElement())) root.querySelector<HTMLElement>('#optin-banner-title')?.focus();
      });
    }
    // The banner went away with focus in it (answered, closed): back to the page element focus came from.
    if (hadBanner && !view.banner && !modal && inside && !root.activeElement) back(beforeBanner);
    hadBanner = view.banner;
    // The floating button is small, but a focused link can hide entirely behind it too (WCAG 2.4.11).
    const shown = root.querySelector<HTMLElement>('.banner') ?? root.querySelector<HTMLElement>('.fab');
    if (shown != room?.element) {
      room?.release();
      // The spacer only where it ends the page: in <body>, with nothing in the flow after it (a chat bubble or a
      // script appended since is fine, an app's root is not).
      const endsPage = () => host.parentNode == body() && !pageAfter(host);
      room = shown ? { element: shown, release: reserveRoom(shown, root.querySelector<HTMLElement>('.room')!, endsPage, view.banner ? host : undefined) } : undefined;
    }
  };
  // The layer a decision is made in is the one on top: the last modal drawn, else the banner (proof of the wording
  // shown, REC-01). innerText, not textContent: what is rendered, without hidden parts. The layer's "Choices saved"
  // comes and goes with earlier saves, so it is hidden while the text is read: the same wording, the same hash.
  const shownText = () => {
    const layer = [...root.querySelectorAll('dialog')].pop() ?? root.querySelector<HTMLElement>('.banner');
    const said = layer?.querySelector<HTMLElement>('.said');
    // Through the CSSOM, which a Content-Security-Policy allows (and which every DOM implements, unlike `hidden`).
    if (said) said.style.display = 'none';
    const text = layer?.innerText;
    said?.removeAttribute('style');
    return text;
  };
  // Asked in the frame that paints the first draw, before the banner takes focus there: asked before that draw, the
  // page's style would be computed twice, which held up the banner by about 10 ms on the demo page. A layer already
  // open (a require() prompt) stays where it is: moving the host would close it.
  request(() => {
    if (!options.container && host.parentNode == body() && holdsFixed(body()) && !modal) (home = html()).append(host);
  });
  const controller = createController(consent, locale, draw, shownText);
  const detach = consent.attach(controller.ui);
  draw(controller.view());
  // Put back at once, not at the next draw: "Privacy settings" must stay on the page. Watched in its parent, and in
  // <html> for a site that swaps the whole <body> on each visit (Turbo, pjax), which takes our host with the old one;
  // not in the whole document, whose every change an app makes would then call us.
  const watch = () => [html(), parent()].forEach((node) => removed.observe(node, { childList: true }));
  const removed = new MutationObserver(() => host.isConnected || (draw(controller.view()), watch()));
  watch();
  return () => {
    removed.disconnect();
    detach();
    controller.stop();
    render(null, root);
    room?.release();
    host.remove();
  };
}

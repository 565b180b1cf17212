// Keyboard and focus rules of the layers (WCAG 2.1.2, 2.4.3, 2.4.11; APG modal dialog): focus moves into the native
// <dialog>, Tab wraps inside it, the page behind is inert until it closes, and the banner never hides page focus.
import { member } from '../src/dom.js';

/** The focused element, looking inside shadow roots (ours included) rather than stopping at their host. */
export function activeElement(): HTMLElement | null {
  let active = member(document, 'activeElement');
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active as HTMLElement | null;
}

/** Keeps Tab and Shift+Tab inside `box`: from the last control to the first and back. */
export function trapTab(event: KeyboardEvent, box: Element): void {
  const items = [...box.querySelectorAll<HTMLElement>('a[href],button')];
  const active = activeElement();
  const [first, last] = [items[0], items[items.length - 1]];
  // Shift+Tab from the first control, or from the heading focused on open, goes round to the last one.
  if (event.shiftKey ? active == first || !items.includes(active!) : active == last) {
    event.preventDefault();
    (event.shiftKey ? last : first)?.focus();
  }
}

/** Shows `dialog` as modal (the page behind becomes inert) and focuses its `[data-autofocus]` element. */
export function openModal(dialog: HTMLDialogElement): void {
  // Not in the document (the page removed our host meanwhile): showModal would throw into the page.
  if (!dialog.open && dialog.isConnected) dialog.showModal();
  dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
}

/**
 * While `layer` (the banner, or the floating button) covers the bottom of the page, the page gets that much room:
 * the browser keeps it free when it scrolls a focused element into view, so keyboard focus never hides behind it
 * (WCAG 2.4.11); a larger room the page keeps itself (for its own sticky footer, as it was when the layer came)
 * stays. `spacer`, an element in the flow, also takes that height while `endsPage()` says it is at the very end of
 * the page (re-checked as the page adds or removes children of <body>), so the last lines can scroll above the
 * layer; elsewhere it would push content apart. Both are set through the CSSOM, which a Content-Security-Policy
 * allows. With `host` (the banner's, whose own focus is left alone), an app shell too: there an element of the page
 * scrolls, not the document, and <html>'s scroll padding does not reach it, so a page element that takes focus under
 * the layer is scrolled above it in its nearest scrolling ancestor, which gets the room at its bottom (padding) when
 * it ends too soon. Returns the function that gives the page its own values back.
 */
export function reserveRoom(layer: HTMLElement, spacer: HTMLElement, endsPage: () => boolean, host?: Element): () => void {
  const html = member(document, 'documentElement');
  const before = html.style.scrollPaddingBottom;
  // The page's own room, read once before ours is set (a percentage is of the window's height).
  const own = getComputedStyle(html).scrollPaddingBottom;
  const ownPx = parseFloat(own) * (own.endsWith('%') ? html.clientHeight / 100 : 1) || 0;
  // Written only when it changes: a page that watches its own <html> sees no churn from Optin.
  const set = (style: CSSStyleDeclaration, name: 'scrollPaddingBottom' | 'height', value: string) => void (style[name] != value && (style[name] = value));
  const update = () => {
    // Both sit 8px above the bottom edge; 8px more keep the focus outline clear of them.
    const room = layer.offsetHeight + 16;
    // In the page's own px: a CSS zoom on <html> (which the dialogs undo) scales them too.
    set(html.style, 'scrollPaddingBottom', Math.max(ownPx, room / ((html as Element & { currentCSSZoom?: number }).currentCSSZoom || 1)) + 'px');
    set(spacer.style, 'height', endsPage() ? room + 'px' : '');
  };
  // The scrolling elements given room, each with the page's own padding to put back (the first one last).
  const padded: [HTMLElement, string][] = [];
  // The document's own scrolling is left to its scroll padding.
  const clear = (event: FocusEvent) => {
    const el = event.target as Element;
    const over = el.getBoundingClientRect().bottom + 8 - layer.getBoundingClientRect().top;
    // Not once the banner is gone: its answer gives focus back to the page before the room is released.
    if (el != host && over > 0 && layer.isConnected) {
      for (let box = el.parentElement; box && box != html; box = box.parentElement) {
        // How far it scrolls: more than nothing, and not in a box that only clips (overflow: hidden).
        const end = box.scrollHeight - box.clientHeight;
        if (end > 0 && /auto|scroll/.test(getComputedStyle(box).overflowY)) {
          if (box.scrollTop + over > end) {
            padded.unshift([box, box.style.paddingBottom]);
            box.style.paddingBottom = layer.offsetHeight + 16 + 'px';
          }
          return void (box.scrollTop += over);
        }
      }
    }
  };
  // In the capture phase: a page that stops focusin on its way up still has its control scrolled clear. On window,
  // whose own members markup cannot shadow (src/dom.ts), and which sees focusin before the document does.
  if (host) addEventListener('focusin', clear, true);
  const resized = new ResizeObserver(update);
  resized.observe(layer);
  const added = new MutationObserver(update);
  // Without a <body> yet (dialogs mounted from <head>), the host sits on <html> and ends no page.
  added.observe(member(document, 'body') ?? html, { childList: true });
  return () => {
    resized.disconnect();
    added.disconnect();
    html.style.scrollPaddingBottom = before;
    removeEventListener('focusin', clear, true);
    for (const [box, own] of padded) box.style.paddingBottom = own;
  };
}

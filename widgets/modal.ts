// Keyboard and focus rules of the modal layers (WCAG 2.1.2, 2.4.3; APG modal dialog): focus moves into the native
// <dialog>, Tab wraps inside it, and the page behind is inert until it closes.

/** The focused element, looking inside shadow roots (ours included) rather than stopping at their host. */
export function activeElement(): HTMLElement | null {
  let active = document.activeElement;
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
  if (!dialog.open) dialog.showModal();
  dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
}

// The buttons every layer shares: its answers (equal in weight, told apart by `data-action`) and its close button.
import { type ComponentChildren, h } from 'preact';

/** An answer button of a layer's actions row. */
export const actionButton = (action: string, text: ComponentChildren, onClick: () => void) => (
  <button type="button" class="btn" data-action={action} onClick={onClick}>
    {text}
  </button>
);

/**
 * The × that closes a layer, named `label` for assistive tech and as a tooltip. Named by its title alone, the ×
 * hidden: with an aria-label as well, the title became a description repeating the name ("Close, button, Close").
 */
export const closeButton = (label: string, onClick: () => void) => (
  <button type="button" class="close" title={label} onClick={onClick}>
    <span aria-hidden="true">×</span>
  </button>
);

// The buttons every layer shares: its answers (equal in weight, told apart by `data-action`) and its close button.
import { type ComponentChildren, h } from 'preact';

/** An answer button of a layer's actions row. */
export const actionButton = (action: string, text: ComponentChildren, onClick: () => void) => (
  <button type="button" class="btn" data-action={action} onClick={onClick}>
    {text}
  </button>
);

/** The × that closes a layer, named `label` for assistive tech and as a tooltip. */
export const closeButton = (label: string, onClick: () => void) => (
  <button type="button" class="close" aria-label={label} title={label} onClick={onClick}>
    ×
  </button>
);

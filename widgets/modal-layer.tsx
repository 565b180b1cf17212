// The frame of a modal layer: a native <dialog> with its name, description and language, a heading that takes
// focus on open, a close button, the answers, its own status region, and the keys: Escape closes (never a yes),
// Tab stays inside.
import { type ComponentChildren, h } from 'preact';
import { closeButton } from './buttons.js';
import { trapTab } from './modal.js';

/** Props of `ModalLayer`. */
export interface ModalLayerProps {
  readonly name: string;
  readonly title: ComponentChildren;
  readonly lang: string;
  readonly close: string;
  readonly onClose: () => void;
  /** The answers, always in view below the content. */
  readonly actions: ComponentChildren;
  /** "Choices saved" while this layer is on top and a decision was just saved, else ''. */
  readonly status: string;
  readonly children: ComponentChildren;
}

/**
 * A modal layer named `name` (ids `optin-<name>-title` and `optin-<name>-text` label and describe it). Only its
 * content scrolls, between the heading and the answers: a focused control never hides behind either (WCAG 2.4.11).
 */
export function ModalLayer({ name, title, lang, close, onClose, actions, status, children }: ModalLayerProps) {
  return (
    <dialog
      class={'layer modal ' + name}
      lang={lang}
      dir="auto"
      aria-modal="true"
      aria-labelledby={`optin-${name}-title`}
      aria-describedby={`optin-${name}-text`}
      onKeyDown={(event) => {
        if (event.key == 'Escape') {
          event.preventDefault();
          onClose();
        } else if (event.key == 'Tab') trapTab(event, event.currentTarget);
      }}
      // The browser's own close request (Escape, assistive tech) closes our way, so the state stays ours.
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div class="head">
        <h2 id={`optin-${name}-title`} tabIndex={-1} data-autofocus>
          {title}
        </h2>
        {closeButton(close, onClose)}
      </div>
      <div class="body">{children}</div>
      {/* Always there, empty until a save: a live region added with its text already in it may not be announced. */}
      <div class="said" role="status">
        {status}
      </div>
      <div class="actions">{actions}</div>
    </dialog>
  );
}

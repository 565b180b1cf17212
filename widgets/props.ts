// What every view of the dialogs receives: the consent instance, the strings and language shown, the controller
// that owns the state, and the state to draw.
import type { Consent } from '../src/index.js';
import type { Controller, View } from './controller.js';
import type { Texts } from './texts.js';

/** Props shared by the dialogs' views. */
export interface Props {
  readonly consent: Consent;
  readonly t: Texts;
  readonly locale: string;
  readonly c: Controller;
  readonly view: View;
}

/** The props that stay the same while the dialogs are mounted: all but the view. */
export type Fixed = Omit<Props, 'view'>;

// Mounts the real dialogs on a fresh consent instance, for the component tests, with queries that look inside the
// shadow root the way assistive technology names things (role and accessible name).
import { getAllByRole, getByRole, queryByRole } from '@testing-library/preact';
import { afterEach } from 'vitest';
import { createConsent, type ConsentConfig } from '../src/index.js';
import { mountDialogs, type MountOptions } from '../widgets/index.js';
import { config, settle } from './fixtures.js';

let unmounts: (() => void)[] = [];
/** Unmounts every dialog mounted by this file's helpers and empties the page. */
export function unmountAll() {
  unmounts.forEach((unmount) => unmount());
  unmounts = [];
  document.body.innerHTML = '';
}
afterEach(unmountAll);

/** A consent instance with its dialogs mounted and its stored decisions loaded. */
export async function mounted(overrides: Partial<ConsentConfig> = {}, options: MountOptions = {}) {
  const consent = createConsent(config(overrides) as ConsentConfig);
  unmounts.push(mountDialogs(consent, options));
  await consent.ready;
  await settle(0);
  const host = document.querySelector('optin-consent')!;
  const root = host.shadowRoot as unknown as HTMLElement;
  return {
    consent,
    host,
    root,
    /** The one element with this role and accessible name (a string matches the whole name). */
    get: (role: string, name?: string | RegExp) => getByRole(root, role, name === undefined ? {} : { name }),
    query: (role: string, name?: string | RegExp) => queryByRole(root, role, name === undefined ? {} : { name }),
    all: (role: string) => getAllByRole(root, role),
    /** The element focused, inside our shadow root. */
    focused: () => (host.shadowRoot!.activeElement ?? document.activeElement) as HTMLElement | null,
  };
}

/** Presses `key` on the focused element (or `target`), as a keyboard does: keydown bubbling from there. */
export function press(key: string, target: Element, options: KeyboardEventInit = {}) {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, composed: true, ...options }));
}

// The public surface of the headless core (`import … from 'optin'`). Everything a site needs without the UI;
// the dialogs live in `optin/widgets` and plug in through `consent.attach()`.
export { blockElements } from './blocking.js';
export { createConsent } from './consent.js';
export { consentMode } from './consent-mode.js';
export { deliverReceipts, type DeliveryOptions } from './delivery.js';
export { guardNetwork, type BlockedRequest } from './guard.js';
export { ConsentConfigError, ConsentDeniedError, ConsentError, ConsentStorageError } from './errors.js';
export type { ConfigIssue, ConsentErrorCode } from './errors.js';
export { localize, pickLocale } from './text.js';
export type * from './types.js';

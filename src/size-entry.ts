// What size-limit measures as "the core import": createConsent and what it pulls in, idb-keyval included.
// Not shipped; rollup bundles it into dist/size/core.min.js.
export { createConsent } from './index.js';

// Types of what the script tag (dist/optin.global.js) puts on the page, for a site's own TypeScript:
// `import type {} from 'optin/global'` makes `window.consent` a typed `Consent` there.
import type { Consent } from '../src/index.js';

declare global {
  interface Window {
    /**
     * The page's consent instance, created by the Optin script tag. Until the file has loaded, the inline stub
     * stands in for it: `require`, `gate`, `decide`, `decideAll`, `withdraw`, `show` and `showPreferences` are
     * queued and replayed, and `has` answers false. Anything else (`on`, `state`, …) exists once the file has run.
     */
    consent: Consent;
  }
}

/** The instance's type, for code that passes `window.consent` around. */
export type { Consent };

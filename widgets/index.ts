// The public surface of the dialogs (`import { mountDialogs } from 'optin/widgets'`): banner, preferences and
// the purpose prompt, in Preact, attached to a consent instance made by the headless core.
export { mountDialogs, type MountOptions } from './mount.js';
export { en as englishTexts, zhCN as chineseTexts, type Texts } from './texts.js';

// The dialogs' stylesheet, adopted into their shadow root as a constructed stylesheet: no <style> element and no
// style="" attribute, so a page whose Content-Security-Policy forbids inline styles needs no exception for Optin.
// It ships in the script-tag bundle, so it states only what the browser does not already do: on the host,
// `all:initial!important` (important wins from inside a shadow tree) undoes any page rule, visibility and opacity
// included; a modal <dialog> is already fixed, centred, scrollable and capped at 100% - 2em - 6px wide (hence a
// plain `width:44em`); links are already underlined. Motion is opted into under `prefers-reduced-motion:
// no-preference` rather than switched off afterwards. A modal layer scrolls only its content, between its heading
// and its answers; in a short window (a phone held sideways, 200% zoom) it scrolls whole instead, so its content is
// never squeezed between them, and the banner keeps half of the window free (that rule comes last, to win). Either
// way its scrolling stops at its end rather than carrying on with the page behind it (`overscroll-behavior`). In a short window,
// "Choices saved" stays at the bottom of the window while it shows (in the flow it would be below all the content),
// and what takes focus is scrolled clear of it. Words as long as an e-mail address wrap anywhere, and an answer
// column is never wider than its layer, so that at 320 px with 200% text and WCAG 1.4.12 text spacing nothing
// scrolls sideways; stacked there, its rows are equally tall, so a yes that names a long purpose on two lines is no
// bigger than the no (CHO-02). A page that scales itself with CSS `zoom` would scale the dialogs too (`all` leaves
// the zoom of the host's ancestors alone): the host undoes it by `--optin-unzoom`, which mount.tsx sets.

import { member } from '../src/dom.js';

/**
 * Theme through CSS custom properties set on the host element (`optin-consent { --optin-accent: #7a2e8e }`):
 * `--optin-bg`, `--optin-fg`, `--optin-muted`, `--optin-accent`, `--optin-on-accent`, `--optin-border`,
 * `--optin-radius`, `--optin-font`, `--optin-space`, `--optin-z`. Light and dark follow `prefers-color-scheme`.
 */
export const css = `
:host{all:initial!important;display:block!important;zoom:var(--optin-unzoom)!important;
--optin-bg:#fff;--optin-fg:#1b1b1f;--optin-muted:#44474f;--optin-accent:#0b57d0;--optin-on-accent:#fff;--optin-border:#74777f;
--optin-radius:12px;--optin-font:system-ui,sans-serif;--optin-space:16px;--optin-z:2147483000}
@media (prefers-color-scheme:dark){:host{--optin-bg:#1b1b1f;--optin-fg:#e4e2e6;--optin-muted:#c4c6d0;--optin-accent:#a8c7fa;--optin-on-accent:#062e6f;--optin-border:#8e9099}}
*{box-sizing:border-box}
.layer,.fab,.status{position:fixed;z-index:var(--optin-z);font:1em/1.5 var(--optin-font);overflow-wrap:anywhere;color:var(--optin-fg);background:var(--optin-bg);border:1px solid var(--optin-border);border-radius:var(--optin-radius);box-shadow:0 4px 24px #0005}
.layer{max-height:calc(100% - 16px);padding:var(--optin-space);overflow:auto}
.banner{left:8px;right:8px;bottom:8px;max-width:60em;max-height:80%;margin:auto;display:flex;flex-direction:column}
.banner .body{padding:4px;margin:-4px}
.banner h2{margin-inline-end:36px}
@media (max-width:30em){.banner{font-size:.9375em}.banner p{margin-bottom:.5em}}
.modal{width:44em;padding:0}
.modal,.modal .body{overscroll-behavior:contain}
.modal[open]{display:flex;flex-direction:column}
.under{visibility:hidden}
::backdrop{background:#000a}
h2{font-size:1.25em;line-height:1.3;margin:0 0 .5em}
h3{font-size:1em;margin:0}
p,ul,dl{margin:0 0 .75em}
ul{padding-inline-start:1.25em}
dt{font-weight:600}
dd{margin:0 0 .25em}
.muted,.note{color:var(--optin-muted)}
.note,.badge{font-size:.9em}
a{color:var(--optin-accent)}
.head,.row,.switch{display:flex;align-items:center;gap:8px}
.body,.modal .actions{padding-inline:var(--optin-space)}
.body{min-height:0;overflow:auto;padding-block:4px}
.body,.modal{scroll-padding-block:8px}
.head{align-items:flex-start;padding:12px 0 0;padding-inline:var(--optin-space) 8px}
.head h2{flex:1;margin-top:8px}
.actions{display:grid;grid:auto-flow 1fr/repeat(auto-fit,minmax(min(8em,100%),1fr));gap:8px;margin-top:var(--optin-space)}
.modal .actions{margin-top:0;padding-block:12px;border-top:1px solid var(--optin-border)}
button{font:inherit;color:inherit;background:none;border:0;cursor:pointer}
.btn{min-height:44px;padding:8px 16px;border:2px solid var(--optin-accent);border-radius:calc(var(--optin-radius)/2);background:var(--optin-accent);color:var(--optin-on-accent);font-weight:600}
.close,.switch,.track,.badge,.fab{border-radius:22px}
.close{flex:none;width:44px;height:44px;font-size:1.5em}
.banner .close{position:absolute;top:8px;inset-inline-end:8px}
.purposes{padding:0}
.purpose{list-style:none;padding:12px 0;border-top:1px solid var(--optin-border)}
.row{flex-wrap:wrap;justify-content:space-between;margin-bottom:.25em}
.switch{min-height:44px;padding:4px 8px}
.track{flex:none;width:44px;height:24px;padding:2px;border:2px solid var(--optin-border)}
.track::after{content:"";display:block;width:16px;height:16px;border-radius:50%;background:var(--optin-border)}
[aria-checked=true] .track{border-color:var(--optin-accent);background:var(--optin-accent)}
[aria-checked=true] .track::after{margin-inline-start:20px;background:var(--optin-on-accent)}
.badge{padding:2px 10px;border:1px solid var(--optin-border)}
.fab{inset-inline-start:8px;bottom:8px;min-height:36px;padding:4px 14px;font-size:.875em}
.status{left:50%;bottom:56px;transform:translateX(-50%);padding:6px 14px}
.status:empty{clip-path:inset(50%)}
.said{padding-inline:var(--optin-space);font-weight:600}
.said:not(:empty){padding-block:8px;border-top:1px solid var(--optin-border)}
:focus-visible{outline:3px solid var(--optin-accent);outline-offset:2px}
h2:focus-visible{outline-width:2px}
@media (prefers-reduced-motion:no-preference){.banner{animation:optin-in .2s ease-out}.track::after{transition:margin .15s}}
@keyframes optin-in{from{transform:translateY(16px);opacity:0}}
@media (max-height:30em){.banner{max-height:50%;display:block}.modal[open]{display:block}.body{overflow:visible}.said{position:sticky;bottom:0;background:var(--optin-bg)}.modal:has(.said:not(:empty)){scroll-padding-bottom:5em}}
@media (forced-colors:active){.track::after{background:CanvasText}[aria-checked=true] .track{background:Highlight}}
`;

/** Applies `css` to `root`: a constructed stylesheet where supported, else a <style> element (older browsers). */
export function adoptStyles(root: ShadowRoot): void {
  // Named once: the minifier then moves the stylesheet into this function, which the script-tag bundle carries
  // after its code; left between the code, 3.6 kB of CSS kept gzip from matching code across it (about 75 B).
  const text = css;
  if (typeof CSSStyleSheet == 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    root.adoptedStyleSheets = [sheet];
  } else {
    // Past markup named "createElement" (src/dom.ts), or the dialogs would not be drawn at all.
    const style = member(document, 'createElement')('style');
    style.textContent = text;
    root.append(style);
  }
}

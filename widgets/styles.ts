// The dialogs' stylesheet, adopted into their shadow root as a constructed stylesheet: no <style> element and no
// style="" attribute, so a page whose Content-Security-Policy forbids inline styles needs no exception for Optin.

/**
 * Theme through CSS custom properties set on the host element (`optin-consent { --optin-accent: #7a2e8e }`):
 * `--optin-bg`, `--optin-fg`, `--optin-muted`, `--optin-accent`, `--optin-on-accent`, `--optin-border`,
 * `--optin-radius`, `--optin-font`, `--optin-space`, `--optin-z`. Light and dark follow `prefers-color-scheme`.
 */
export const css = `
:host{all:initial!important;display:block!important;visibility:visible!important;opacity:1!important;
--optin-bg:#fff;--optin-fg:#1b1b1f;--optin-muted:#44474f;--optin-accent:#0b57d0;--optin-on-accent:#fff;--optin-border:#74777f;
--optin-radius:12px;--optin-font:system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei",sans-serif;--optin-space:16px;--optin-z:2147483000}
@media (prefers-color-scheme:dark){:host{--optin-bg:#1b1b1f;--optin-fg:#e4e2e6;--optin-muted:#c4c6d0;--optin-accent:#a8c7fa;--optin-on-accent:#062e6f;--optin-border:#8e9099}}
*{box-sizing:border-box}
.layer,.fab,.status{font:1em/1.5 var(--optin-font);color:var(--optin-fg);background:var(--optin-bg);border:1px solid var(--optin-border);border-radius:var(--optin-radius);box-shadow:0 4px 24px #0005}
.layer{padding:var(--optin-space);overflow:auto}
.banner{position:fixed;z-index:var(--optin-z);left:8px;right:8px;bottom:8px;max-width:60em;max-height:calc(100vh - 16px);margin:0 auto;padding-right:52px;animation:optin-in .2s ease-out}
.modal{width:min(44em,calc(100% - 16px));max-height:calc(100% - 16px);margin:auto;padding-top:0}
.under{visibility:hidden}
.modal::backdrop{background:#000a}
@keyframes optin-in{from{transform:translateY(16px);opacity:0}}
h2{font-size:1.25em;line-height:1.3;margin:0 0 .5em;padding-right:44px}
h3{font-size:1em;margin:0}
p,ul,dl{margin:0 0 .75em}
dt{font-weight:600}
dd{margin:0 0 .25em}
ul{padding-left:1.25em}
.muted,.note{color:var(--optin-muted)}
.note{font-size:.9em}
a{color:var(--optin-accent);text-decoration:underline}
button{font:inherit;color:inherit;cursor:pointer}
.head{position:sticky;top:0;z-index:1;display:flex;align-items:flex-start;gap:8px;margin:0 calc(-1*var(--optin-space));padding:12px 8px 0 var(--optin-space);background:var(--optin-bg)}
.head h2{flex:1;padding:0;margin-top:8px}
.actions{display:grid;grid-template-columns:repeat(auto-fit,minmax(9em,1fr));gap:8px;margin-top:var(--optin-space)}
.modal .actions{position:sticky;bottom:calc(-1*var(--optin-space));margin:var(--optin-space) calc(-1*var(--optin-space)) calc(-1*var(--optin-space));padding:12px var(--optin-space);background:var(--optin-bg);border-top:1px solid var(--optin-border)}
.btn{min-height:44px;padding:8px 16px;border:2px solid var(--optin-accent);border-radius:calc(var(--optin-radius)/2);background:var(--optin-accent);color:var(--optin-on-accent);font-weight:600;overflow-wrap:anywhere}
.close{position:absolute;top:8px;right:8px;width:44px;height:44px;border:0;border-radius:50%;background:none;font-size:1.5em;line-height:1}
.head .close{position:static;flex:none}
.purpose{list-style:none;padding:12px 0;border-top:1px solid var(--optin-border)}
.purposes{padding:0}
.row{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;margin-bottom:.25em}
.switch{display:inline-flex;align-items:center;gap:8px;min-height:44px;padding:4px 8px;border:0;border-radius:22px;background:none}
.track{position:relative;flex:none;width:44px;height:24px;border:2px solid var(--optin-border);border-radius:12px;background:var(--optin-bg)}
.track::after{content:"";position:absolute;top:2px;left:2px;width:16px;height:16px;border-radius:50%;background:var(--optin-border);transition:transform .15s}
[aria-checked=true] .track{border-color:var(--optin-accent);background:var(--optin-accent)}
[aria-checked=true] .track::after{transform:translateX(20px);background:var(--optin-on-accent)}
.badge{padding:2px 10px;border:1px solid var(--optin-border);border-radius:12px;font-size:.9em}
.fab{position:fixed;z-index:var(--optin-z);left:8px;bottom:8px;min-height:36px;padding:4px 14px;border-radius:18px;font-size:.875em}
.status{position:fixed;z-index:var(--optin-z);left:50%;bottom:56px;transform:translateX(-50%);padding:6px 14px}
.status:empty{width:1px;height:1px;padding:0;border:0;overflow:hidden;clip-path:inset(50%)}
:focus-visible{outline:3px solid var(--optin-accent);outline-offset:2px}
h2:focus-visible{outline-width:2px;outline-offset:2px}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
@media (forced-colors:active){.track::after{background:CanvasText}[aria-checked=true] .track{background:Highlight}}
`;

/** Applies `css` to `root`: a constructed stylesheet where supported, else a <style> element (older browsers). */
export function adoptStyles(root: ShadowRoot): void {
  if (typeof CSSStyleSheet == 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}

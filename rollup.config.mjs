// Builds every shipped file from one config: the headless core, the widgets, the script-tag bundle, and the
// minified files that size-limit measures (dist/size/, not shipped on their own).
import { fileURLToPath } from 'node:url';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const coreEntry = fileURLToPath(new URL('src/index.ts', import.meta.url));
const ts = () => typescript({ tsconfig: './tsconfig.json', include: ['src/**', 'widgets/**'], compilerOptions: { noEmit: false, declaration: false, types: [] }, noEmitOnError: true });
// Five passes: the script-tag bundle keeps shrinking up to the fifth (about 70 bytes gzipped over two).
// unsafe_arrows turns function expressions that use neither `this` nor `arguments` into arrows: here the functions
// terser inlines where they are called once. Unsafe only for a function expression called with `new` (none here:
// Preact tells a class component by its `prototype.render`, and creates function components itself).
// `module` only for ES modules: it lets terser drop the IIFE's 'use strict', and a classic script would then run
// in sloppy mode.
// ascii_only writes the Chinese strings (and “ ” … × →) as \u escapes: the same strings at run time, about 100 bytes
// less gzipped (six ASCII bytes compress better than three UTF-8 ones), though about 140 more under brotli; and a
// page served in another charset (GBK) no longer garbles them.
const min = (module = true) => terser({ ecma: 2020, module, compress: { passes: 5, unsafe_arrows: true }, format: { ascii_only: true } });
// widgets/styles.ts writes its stylesheet one rule per line for reading; CSS ignores those line breaks, so the
// bundles ship it without them (about 30 bytes gzipped).
const cssOnOneLine = {
  name: 'css-on-one-line',
  transform: (code, id) => (id.endsWith('/widgets/styles.ts') ? code.replace(/(?<=export const css = `)[^`]*/, (css) => css.replaceAll('\n', '')) : null),
};
// Preact creates the dialogs' nodes with the container's `ownerDocument.createElementNS()` and `.createTextNode()`,
// which markup named so shadows on the page's document (<img name="createTextNode">, DOM clobbering; src/dom.ts): no
// banner would show. The script-tag bundle calls Document's own methods. Should Preact's code change, the build fails
// rather than ship without.
const preactPastClobbering = {
  name: 'preact-past-clobbering',
  transform(code, id) {
    if (!/[\\/]preact[\\/]dist[\\/]preact\.mjs$/.test(id)) return null;
    let found = 0;
    const fixed = code.replace(/(\w+)\.(createElementNS|createTextNode)\(/g, (_, doc, method) => (found++, `Document.prototype.${method}.call(${doc},`));
    if (found != 2) this.error(`expected Preact to create nodes in 2 places, found ${found}: check preactPastClobbering`);
    return { code: fixed, map: null };
  },
};
const preactDeps = (id) => id === 'preact' || id.startsWith('preact/');
// The widgets import the core through src/index.ts; in the ESM build that import becomes the package's own
// 'optin' entry, so an app that uses both ships one copy of the core.
const coreAsPackage = (id) => id === 'idb-keyval' || preactDeps(id) || id === coreEntry;
// makeAbsoluteExternalsRelative: false keeps the core's absolute path as is, so `paths` can map it to 'optin'.
const quiet = { makeAbsoluteExternalsRelative: false, onwarn(warning, warn) { if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning); } };

export default [
  { ...quiet, input: 'src/index.ts', external: ['idb-keyval'], plugins: [ts()], output: { file: 'dist/optin.js', format: 'es' } },
  {
    ...quiet,
    input: 'widgets/index.ts',
    external: coreAsPackage,
    plugins: [resolve(), cssOnOneLine, ts()],
    output: { file: 'dist/widgets.js', format: 'es', paths: { [coreEntry]: 'optin' } },
  },
  { ...quiet, input: 'widgets/script-tag.ts', plugins: [resolve(), preactPastClobbering, cssOnOneLine, ts(), min(false)], output: { file: 'dist/optin.global.js', format: 'iife' } },
  // The inline stub a page pastes before the script tag, also served as a file for pages under a strict CSP. Without
  // "use strict", which it needs for nothing: those 13 bytes pay for its Reflect.set (see stub.ts).
  { ...quiet, input: 'widgets/stub.ts', plugins: [ts(), min(false)], output: { file: 'dist/optin-stub.js', format: 'iife', strict: false } },
  // Measured by size-limit: the core import with idb-keyval, and the widgets without Preact or the core.
  { ...quiet, input: 'src/size-entry.ts', plugins: [resolve(), ts(), min()], output: { file: 'dist/size/core.min.js', format: 'es' } },
  { ...quiet, input: 'widgets/index.ts', external: coreAsPackage, plugins: [resolve(), cssOnOneLine, ts(), min()], output: { file: 'dist/size/widgets.min.js', format: 'es', paths: { [coreEntry]: 'optin' } } },
];

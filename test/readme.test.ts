// The README tells the truth: its size figures are the built files' sizes, its stub is the built stub, its
// limits are the ones size-limit enforces, and its TypeScript examples compile against the real API.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { createConsent } from '../src/index.js';
import type { ConsentConfig } from '../src/types.js';
import { englishTexts } from '../widgets/index.js';
import { config } from './fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
/** Gzipped size as the README writes it: kB with one decimal (1 kB = 1000 B), bytes below 1 kB. */
const size = (path: string) => {
  const bytes = gzipSync(readFileSync(join(root, path)), { level: 9 }).length;
  return bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} kB`;
};
const marked = (name: string) => [...readme.matchAll(new RegExp(`<!-- size:${name} -->([^<]*)<!-- /size -->`, 'g'))].map((m) => m[1]);

describe('README', () => {
  it.each([
    ['core', 'dist/size/core.min.js'],
    ['global', 'dist/optin.global.js'],
    ['stub', 'dist/optin-stub.js'],
  ])('states the measured size of %s wherever it names it', (name, path) => {
    const figures = marked(name);
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) expect(figure, `README size of ${name}: update it after a change`).toBe(size(path));
  });

  it('shows the stub exactly as built', () => {
    expect(readme).toContain('<script>\n' + read('dist/optin-stub.js').trim() + '\n</script>');
  });

  it('lists the limits that size-limit enforces', () => {
    const limits = JSON.parse(read('.size-limit.json')) as { limit: string }[];
    for (const { limit } of limits) expect(readme).toContain(limit);
  });

  it('has TypeScript examples that compile against the API in src/ and widgets/', () => {
    // What an example takes from the app around it, declared once; each example is its own module.
    const prelude = `import type { Consent, ConsentConfig, PurposeState } from 'optin';
      declare global {
        const consent: Consent<'analytics' | 'marketing' | 'credit-scoring'>;
        const config: ConsentConfig;
        const createConsent: typeof import('optin').createConsent;
        const ConsentConfigError: typeof import('optin').ConsentConfigError;
        const ConsentDeniedError: typeof import('optin').ConsentDeniedError;
        const dataLayer: unknown[];
        function startAnalytics(): void;
        function startScoring(): void;
        function showNotice(text: string): void;
        function showOwnOptIn(id: string): void;
        function render(states: { [id: string]: PurposeState }): void;
        // A bundler's hot module reload (vite/client's type).
        interface ImportMeta { readonly hot?: { dispose(callback: () => void): void } }
      }
      export {};`;
    const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] + '\nexport {};\n');
    expect(examples.length).toBeGreaterThan(15);
    const files = new Map([prelude, ...examples].map((text, i) => [join(root, `readme-example-${i}.ts`), text]));
    const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const options = { ...parsed.options, types: [], paths: { optin: [join(root, 'src/index.ts')], 'optin/widgets': [join(root, 'widgets/index.ts')], 'optin/global': [join(root, 'widgets/window.ts')] } };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, version, ...rest) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : getSourceFile(name, version, ...rest));
    host.fileExists = (name) => files.has(name) || fileExists(name);
    host.readFile = (name) => files.get(name) ?? readFile(name);
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.has(d.file.fileName))
      .map((d) => `example ${d.file!.fileName.replace(/\D+/g, '')}, line ${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(problems).toEqual([]);
  }, 30_000);

  it('lists every dialog string key, so a locale built from the list is complete', () => {
    const section = /\nKeys: ([\s\S]*?) \(see `englishTexts`/.exec(readme)![1]!;
    const listed = [...section.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort();
    expect(listed).toEqual(Object.keys(englishTexts).sort());
  });

  // A back end verifies a delivered log by hashing each receipt as it was stored: the README's order must be that one.
  it('lists the receipt fields in the order the chain hashes them', async () => {
    const listed = /The proof log, oldest first: `\{ ([^}]*) \}`/.exec(readme)![1]!.split(', ');
    const consent = createConsent(config());
    await consent.decide({ analytics: true }, { method: 'preferences', text: 'Allow analytics?', action: 'save' });
    await consent.withdraw();
    await consent.decide({ analytics: true });
    await consent.reset();
    const log = await consent.receipts();
    expect(log.map((r) => r.method)).toEqual(['preferences', 'api', 'api', 'reset']);
    for (const receipt of log) {
      const optional = (field: string) => field.endsWith('?') && !(field.slice(0, -1) in receipt);
      expect(Object.keys(receipt)).toEqual(listed.filter((field) => !optional(field)).map((field) => field.replace('?', '')));
    }
  });

  it('lists every error code an app can branch on in the Errors table', () => {
    const codes = /type ConsentErrorCode = ([^;]*);/.exec(read('src/errors.ts'))![1]!.match(/'[a-z]+'/g)!.map((code) => code.slice(1, -1));
    const table = /\n### Errors\n([\s\S]*?)\n###/.exec(readme)![1]!;
    const listed = [...table.matchAll(/^\| `\w+` \| ([^|]*) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([a-z]+)`/g)].map((m) => m[1]));
    expect(listed.sort()).toEqual(codes.sort());
  });

  it('themes with exactly the custom properties the dialogs read', () => {
    const theme = /```css\n([\s\S]*?)```/.exec(readme)![1]!;
    const named = (css: string) => [...new Set(css.match(/--optin-[a-z-]+/g))];
    // Not a theme's: what Optin sets on the host itself (the undone page zoom).
    const own = named(read('widgets/mount.tsx'));
    expect(named(theme).sort()).toEqual(named(read('widgets/styles.ts')).filter((name) => !own.includes(name)).sort());
  });

  it('has script-tag configs that pass validation, and blocks only purposes its config has', () => {
    const snippets = [...readme.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((html) => html.includes('id="optin-config"'));
    expect(snippets.length).toBeGreaterThan(1);
    for (const html of snippets) {
      const json = /<script type="application\/json" id="optin-config">([\s\S]*?)<\/script>/.exec(html)![1]!;
      const config = JSON.parse(json) as ConsentConfig;
      expect(() => validateConfig(config)).not.toThrow();
      const ids = config.purposes.map((p) => p.id);
      for (const [, id] of html.matchAll(/data-consent="([^"]+)"/g)) expect(ids, `data-consent="${id}" in a README snippet`).toContain(id);
    }
  });
});

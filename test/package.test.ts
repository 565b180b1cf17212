// The npm package holds what its exports map promises, and the built files (not only the sources) work.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { createConsent as createSource } from '../src/index.js';
import { SDK_VERSION } from '../src/receipts.js';

// A path, not `new URL(…)`: in happy-dom, URL is the page's, which knows no file: URLs.
const root = join(dirname(fileURLToPath(import.meta.url)), '..') + '/';
const pkg = JSON.parse(readFileSync(root + 'package.json', 'utf8')) as { exports: Record<string, string | Record<string, string>>; dependencies: Record<string, string>; scripts: Record<string, string> };
const targets = Object.values(pkg.exports).flatMap((target) => (typeof target == 'string' ? [target] : Object.values(target)));

describe('package', () => {
  it('packs every file the exports map names, and no sources, tests or size-measurement files', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);
    for (const target of targets) expect(files, target).toContain(target.replace('./', ''));
    // MIT asks that the notice travel with every copy.
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => /^(src|test|widgets|demo|dist\/size)\/|size-entry/.test(f))).toEqual([]);
  });

  it('builds before packing, so `npm pack` or `npm publish` from a fresh clone ships dist/', () => {
    expect(pkg.scripts.prepack).toMatch(/^npm run build\b/);
  });

  it('stamps receipts with the version in package.json', () => {
    expect(SDK_VERSION).toBe((JSON.parse(readFileSync(root + 'package.json', 'utf8')) as { version: string }).version);
  });

  it('depends on preact and idb-keyval only', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['idb-keyval', 'preact']);
  });

  it('accepts Preact 10 or 11, each the version its component tests run on, so an app with Preact 10 shares its copy', () => {
    const installed = (name: string) => (JSON.parse(readFileSync(root + `node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
    const numbers = (version: string) => version.split('.').map(Number);
    const clauses = pkg.dependencies.preact!.split(' || ').map((clause) => numbers(clause.replace(/^\^/, '')));
    for (const version of [installed('preact-10'), installed('preact')].map(numbers)) {
      // ^x.y.z: the same major, and no older than x.y.z.
      const clause = clauses.find(([major]) => major == version[0]);
      expect(clause, `preact ${version.join('.')}`).toBeDefined();
      expect(version[1]! * 1e6 + version[2]! >= clause![1]! * 1e6 + clause![2]!, `preact ${version.join('.')}`).toBe(true);
    }
    expect(clauses.map(([major]) => major)).toEqual([10, 11]);
  });

  it('the built ESM core works as the source does: off until yes, then on', async () => {
    expect(existsSync(root + 'dist/optin.js'), 'run npm run build first').toBe(true);
    const { createConsent } = (await import(join(root, 'dist/optin.js'))) as { createConsent: typeof createSource };
    const consent = createConsent({
      controller: { name: 'Built Ltd.', contact: 'privacy@built.example' },
      policy: { version: '1', url: '/privacy' },
      purposes: [{ id: 'analytics', title: 'Analytics', description: 'Counts visits.', data: ['pages'], retention: '1 year' }],
      storageName: 'package-test',
    });
    await consent.ready;
    expect(consent.has('analytics')).toBe(false);
    await consent.decide({ analytics: true });
    expect(consent.has('analytics')).toBe(true);
    expect(() => createConsent({} as never)).toThrow(/controller/);
  });

  it('the built core names its errors after their classes, which minifiers would otherwise rename', async () => {
    const { createConsent } = (await import(join(root, 'dist/optin.js'))) as { createConsent: typeof createSource };
    expect(() => createConsent({} as never)).toThrow(expect.objectContaining({ name: 'ConsentConfigError' }));
    // The minified core, as size-limit measures it and as a bundler's minifier leaves it.
    const minified = readFileSync(root + 'dist/size/core.min.js', 'utf8');
    for (const name of ['ConsentError', 'ConsentConfigError', 'ConsentDeniedError', 'ConsentStorageError']) expect(minified).toContain(`"${name}"`);
  });

  it('lets a Node process that created an instance exit (server rendering)', () => {
    const script = `import('./dist/optin.js').then(({ createConsent }) => createConsent({ controller: { name: 'N', contact: 'n@n.example' }, policy: { version: '1', url: '/p' }, purposes: [{ id: 'necessary', title: 'N', description: 'N.', necessary: true }] }))`;
    // Exits by itself within the timeout; an open BroadcastChannel kept it running.
    expect(() => execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 10_000, stdio: 'ignore' })).not.toThrow();
  });

  it('lets a server that renders each request with its own instance free them (no memory growing with every request)', () => {
    // One instance per request, as server-rendering frameworks keep state per request; `collected` counts the freed ones.
    const script = `import('./dist/optin.js').then(async ({ createConsent }) => {
      let collected = 0;
      const freed = new FinalizationRegistry(() => collected++);
      for (let i = 0; i < 200; i++) {
        const consent = createConsent({ controller: { name: 'N', contact: 'n@n.example' }, policy: { version: '1', url: '/p' }, purposes: [{ id: 'stats', title: 'S', description: 'S.', data: ['visits'], retention: '1 day' }] });
        freed.register(consent, i);
        await consent.ready;
      }
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20)).then(() => gc());
      console.log(collected);
    })`;
    const collected = Number(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: root, timeout: 15_000, encoding: 'utf8' }));
    // Each request's instance stayed reachable for ever through a BroadcastChannel left open: none was freed.
    expect(collected).toBeGreaterThan(100);
  }, 20_000);

  it('lets a Node process exit that delivers receipts to an endpoint that cannot be reached', () => {
    const script = `import('./dist/optin.js').then(async ({ createConsent, deliverReceipts }) => {
      const consent = createConsent({ controller: { name: 'N', contact: 'n@n.example' }, policy: { version: '1', url: '/p' }, receipts: { endpoint: 'http://127.0.0.1:9/receipts' }, purposes: [{ id: 'stats', title: 'S', description: 'S.', data: ['visits'], retention: '1 day' }] });
      deliverReceipts(consent);
      await consent.decide({ stats: true });
    })`;
    // Exits by itself within the timeout; the retry timer after the failed post kept it running for ever.
    expect(() => execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, timeout: 15_000, stdio: 'ignore' })).not.toThrow();
  }, 20_000);
});

// The README tells the truth: its size figures are the built files' sizes, its stub is the built stub, and its
// limits are the ones size-limit enforces.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

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
});

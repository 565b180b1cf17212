// Three projects: fast unit and component tests in happy-dom, the component tests again on Preact 10, and browser
// tests that drive real Chromium against the demo server (they need `npm run build` first; `npm test` does that).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Classic JSX (h, Fragment from preact), as tsconfig.json: no jsx-runtime in the bundle. Not in development mode,
  // which adds a `__source` prop to every element: the props a component receives are then the bundle's own.
  oxc: { jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment', development: false } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'happy-dom',
          setupFiles: ['test/setup.ts'],
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/browser/**'],
        },
      },
      {
        // The dialogs again on Preact 10: the package accepts either major, so an app that has Preact 10 shares its
        // copy instead of shipping a second one. The tests of built files (script tag, stub) use the bundled Preact 11.
        extends: true,
        resolve: { alias: [{ find: /^preact$/, replacement: 'preact-10' }] },
        test: {
          name: 'preact-10',
          environment: 'happy-dom',
          setupFiles: ['test/setup.ts'],
          include: ['test/*.test.tsx', 'test/{controller,embeds,texts}.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

// Two projects: fast unit and component tests in happy-dom, and browser tests that drive real Chromium
// against the demo server (they need `npm run build` first; `npm test` does that).
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

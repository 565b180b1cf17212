// Lint: typescript-eslint's type-checked rules, plus the one-way dependency rule: the headless core (src/)
// never imports the UI (widgets/) or Preact.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'demo/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.mjs', 'demo/*.mjs', 'bench/*.mjs', 'demo/*/*.js', 'demo/*/*/*.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['preact', 'preact/*'], message: 'src/ is the headless core: UI belongs in widgets/.' },
        { group: ['**/widgets', '**/widgets/*'], message: 'src/ never imports widgets/: widgets attach through consent.attach().' },
      ] }],
    },
  },
  {
    files: ['widgets/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        // dom.js too: a stateless helper, which the widgets ESM build then carries itself (a few bytes), not an export.
        { regex: '^\\.\\./src/(?!(index|dom)\\.js$)', message: 'widgets/ use the core only through its public surface: import from ../src/index.js.' },
      ] }],
    },
  },
  {
    files: ['test/**', 'bench/**', 'demo/**', '*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);

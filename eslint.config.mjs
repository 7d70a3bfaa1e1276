// The lint of .ci/run: ESLint's and typescript-eslint's recommended rules over the TypeScript of
// src/, test/, bench/ and scripts/, and for src/ the gates a newcomer relies on: any function
// read in one screen (complexity at most 20), any file at most 400 lines.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'src/channels/web/assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `_name` marks an argument or binding kept for its position or for documentation.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      complexity: ['error', 20],
      'max-lines': ['error', { max: 400 }],
    },
  },
  {
    // Tests read JSON bodies and poke at fakes: \`any\` there costs nothing a failing test would not show.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
  },
  {
    // The console's page script runs in the browser, as a classic script.
    files: ['src/admin/assets/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
);

// ESLint: the type-aware rules of typescript-eslint over every TypeScript file (each file is
// checked against the tsconfig that compiles it), and the plain recommended rules for the few
// JavaScript entry points. Formatting is Prettier's job (npm run format:check), layering is
// dependency-cruiser's (npm run deps:check).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-bench/',
      'reports/',
      'coverage/',
      'test-artifacts/',
      'notebooks/dist/',
      'notebooks/.observable/',
      'results/',
      'scratch/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.check.json', './notebooks/tsconfig.json', './tsconfig.tools.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A leading underscore marks a parameter or binding kept for its position or to drop a field.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);

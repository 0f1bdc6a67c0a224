// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * The rooms of the house (docs/architecture.md) as import rules, so a change that puts a thing in the
 * wrong room is stopped by `npm run lint` rather than by a reviewer's memory.
 */

/** Workflow code is replayed: it may import only the workflow SDK, pure modules and types. */
const WORKFLOW_IMPORTS = {
  regex: '^(?!@temporalio/(workflow|common)$|\\./|\\.\\./(rules|time)/)',
  allowTypeImports: true,
  message:
    'workflow code is replayed deterministically: import only @temporalio/workflow, @temporalio/common, workflows/ itself, the pure leaves rules/ and time/, and types (`import type`)',
};

/** The core-system stand-in is a test fixture: the product reaches it only through the stack launcher. */
const NO_FIXTURES = {
  regex: '(^|/)fixtures(/|$)',
  message:
    "fixtures/ is the stand-in and test data: production code must not depend on it (the stand-in imports the bots' types, not the reverse); only the launchers, harness/, bench/ and tests may (docs/architecture.md)",
};

/** The launchers that start or seed the stand-in use it through its one entry. */
const STAND_IN_ENTRY_ONLY = {
  regex: '(^|/)fixtures/(?!legacy-system$)',
  message: 'use the stand-in through its entry, fixtures/legacy-system (docs/architecture.md)',
};

/** The rulebook is pure: it imports nothing of ours outside rules/. */
const rulesOnly = (depth) => ({
  regex: `^${'\\.\\./'.repeat(depth)}`,
  message: 'rules/ is the pure rulebook: it imports nothing of ours outside rules/ (pass what it needs as input)',
});

export default defineConfig(
  {
    ignores: ['node_modules/**', '.tools/**', 'data/**', 'bench-results/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Screens and notices are Chinese: the ideographic space (U+3000) belongs in their strings and templates.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipTemplates: true }],
    },
  },
  {
    // Tests and test-data builders reshape raw JSON on purpose, to build the wrong inputs the product must refuse.
    files: ['**/*.test.ts', 'rules/testkit/**', 'fixtures/bad-inputs/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.ts'],
    // Tests, their support modules, the bench and the launchers that start the stand-in when LEGACY_URL is unset.
    ignores: [
      'fixtures/**',
      'test/**',
      '**/*.test.ts',
      '**/testing.ts',
      '**/testing/**',
      '**/testkit/**',
      'harness/**',
      'bench/**',
      'stack.ts',
      'demo.ts',
      'client.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_FIXTURES] }] },
  },
  {
    files: ['stack.ts', 'demo.ts', 'client.ts', 'harness/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [STAND_IN_ENTRY_ONLY] }] },
  },
  {
    files: ['rules/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rulesOnly(1), NO_FIXTURES] }] },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [WORKFLOW_IMPORTS, NO_FIXTURES] }] },
  },
);

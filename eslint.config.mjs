// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const SIMULATOR_APART =
  'api/ and simulator/ do not import each other: what both need lives in simulation/ (or schemas/).';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'prisma/generated/', 'coverage/'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node modules,
    // no database, no activity implementations (types only). Arm assignment
    // is pure so the workflow can call it.
    files: ['workflows/**/*.ts', 'experiments/assignment/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code must be deterministic: no Node modules.' },
            { group: ['**/prisma/**', '@prisma/*', 'pg'], message: 'Workflows never touch the database.' },
            {
              group: ['**/activities/**', '!**/activities'],
              allowTypeImports: true,
              message: 'Import activities by type only.',
            },
            { group: ['**/activities'], allowTypeImports: true, message: 'Import activities by type only.' },
          ],
          paths: ['fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'].map((name) => ({
            name,
            message: 'Workflow code must be deterministic: no Node modules.',
          })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() or condition() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // The API answers simulations in-process; the time-skipping mode needs
    // @temporalio/testing, a devDependency, so it stays in the CLI (simulator/).
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/simulator', '**/simulator/**'], message: SIMULATOR_APART },
            { group: ['@temporalio/testing'], message: 'A devDependency: the API never loads it.' },
          ],
        },
      ],
    },
  },
  {
    // What the API and the CLI share lives in simulation/, which imports neither.
    files: ['simulator/**/*.ts', 'simulation/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/api', '**/api/**'], message: SIMULATOR_APART }] },
      ],
    },
  },
  {
    files: ['simulation/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/api', '**/api/**', '**/simulator', '**/simulator/**'], message: SIMULATOR_APART },
            { group: ['@temporalio/testing', '@temporalio/worker'], message: 'The API loads this folder.' },
          ],
        },
      ],
    },
  },
  {
    // Jest's asymmetric matchers (expect.objectContaining…) are typed `any`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
);

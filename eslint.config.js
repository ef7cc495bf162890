// Lint with the import boundaries of architecture.md: services never import electron, and the
// renderer imports nothing from src-main but the contract's types.
import tseslint from 'typescript-eslint';

const SERVICES = ['store', 'central', 'statements', 'recon', 'journal', 'close', 'jobs', 'sandbox', 'web', 'export', 'domain', 'api'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.otd/**', '.scratch/**', '.exp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: SERVICES.map((d) => `src-main/${d}/**/*.ts`).concat(['src-main/cli.ts']),
    ignores: ['src-main/api/electron-ipc.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Services are plain TypeScript: only index.ts, preload.ts and api/electron-ipc.ts may import electron.' }] }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the main side only through the typed API.' }],
          patterns: [
            {
              group: ['**/src-main/**', '!**/src-main/api/contract', '!**/src-main/api/contract.ts'],
              message: 'The renderer may import only the contract types from src-main.',
            },
            { group: ['**/src-main/api/contract', '**/src-main/api/contract.ts'], allowTypeImports: true, message: 'Import the contract with `import type` only.' },
            { group: ['node:*', 'fs', 'path', 'child_process'], message: 'The renderer has no Node APIs.' },
          ],
        },
      ],
    },
  },
);

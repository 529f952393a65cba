// ESLint: typescript-eslint's recommended rules, plus four type-checked rules that catch real
// async mistakes and cost nothing to satisfy today: a promise nobody awaits or handles
// (no-floating-promises), awaiting what is not a promise (await-thenable), an async function
// passed where the caller ignores the promise (no-misused-promises), for…in over an array
// (no-for-in-array). The rest of recommendedTypeChecked is left off: the no-unsafe-* family and
// restrict-template-expressions flag every JSON payload and parsed row we handle as unknown on
// purpose; only-throw-error and prefer-promise-reject-errors flag rethrowing a caught `unknown`;
// no-unnecessary-type-assertion is worth having once the current splits have landed (its fixes
// touch many files at once).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'URL', 'Buffer', 'module', 'require'].map(g => [g, 'readonly']),
)

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tap/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Strips control characters from imported text on purpose.
    files: ['src/import/normaliseText.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // tap tracks the subtests a file starts at its top level, so they are not awaited; tests
    // reach into internals where `any` is the honest type.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: NODE_GLOBALS },
  },
)

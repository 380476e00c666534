// Lint configuration: type-aware rules, promises must be awaited or explicitly voided.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Controllers, agents, the runtime and the API handle typed kinds (Site, Workload, ...) and `unknown` for
    // JSON not validated yet; `any` would switch the checks off again (ADR 0001, "Add a kind").
    files: ['src/controllers/**/*.ts', 'src/agent/**/*.ts', 'src/runtime/**/*.ts', 'src/api/**/*.ts'],
    // Test files and testing/ helpers are test-only code (as in src/layers.ts).
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);

import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // Type-aware: promises are awaited or explicitly voided, and never passed where a callback returns void.
    files: ['electron/**/*.ts', 'shared/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The engine runs in plain Node too (`loadout serve`): Electron stays at the edges.
    files: ['electron/engine/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine and shared/ must not import electron.' }] }],
    },
  },
  {
    // shared/ is the contract: no node, electron or react.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'electron', 'react', 'react-dom'], message: 'shared/ holds the contract only.' }] }],
    },
  },
  {
    // Raw IPC lives only in the typed wrappers (electron/ipc/, electron/preload.cts).
    files: ['electron/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: ['electron/ipc/**', 'electron/preload.cts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "MemberExpression[object.name='ipcMain']", message: 'Use electron/ipc/ wrappers.' },
        { selector: "MemberExpression[object.name='ipcRenderer']", message: 'Use the preload bridge.' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  'no-restricted-imports': [
    'error',
    { paths: [{ name: 'electron', message: 'Only src-main may load Electron; tests load everything else.' }] },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist-server/', 'dist/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // src-main/core and the bridge's types are plain modules the unit tests (and the renderer) load.
    files: [
      'src-server/**',
      'src-shared/**',
      'src-renderer/**',
      'test/**',
      'scripts/**',
      'src-main/core/**',
      'src-main/bridge.ts',
    ],
    rules: noElectron,
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-globals': ['error', 'process', 'Buffer', 'window', 'document', 'require', '__dirname'],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'react', 'react-dom'],
              message: 'src-shared runs in Node and the browser alike.',
            },
          ],
        },
      ],
    },
  },
  { files: ['src-renderer/**'], languageOptions: { globals: { ...globals.browser } } },
);

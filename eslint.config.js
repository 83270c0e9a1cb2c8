import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'reports/**',
      '.tmp/**',
      'src/events/generated/**',
      'src/server/wallboard/static/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      'no-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/windows/**', 'src/indicators/**', 'src/alerts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['kafkajs', '@clickhouse/client', 'prom-client', 'fastify', 'ws'] },
      ],
    },
  },
);

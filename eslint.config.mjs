import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', 'lib/db/generated/**', 'test-results/**', 'playwright-report/**'] },
  {
    // The processor library is used by plain Node services: it must never pull in Next.
    files: ['lib/idempotency/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['next', 'next/*', '@/app/*', '@/components/*', 'react'] }],
    },
  },
  {
    files: ['lib/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/app/*', '@/components/*', 'next/*'] }] },
    ignores: ['lib/idempotency/**'],
  },
  {
    files: ['components/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@/app/*'] }] },
  },
];

export default config;

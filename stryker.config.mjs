/**
 * Mutation testing of the record rules: each mutant changes one operator or
 * condition of a rule, and some test must fail for it.
 *   npm run test:mutation          the TypeScript rules, against their unit tests
 *   npm run test:mutation:sql      the SQL rules, against the parity test (real Postgres)
 * Each run ends with scripts/mutation-gate.ts: a file below its floor fails it.
 */
const sql = process.env.RULES === 'sql';

const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.rules.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: sql
    ? ['lib/stores/postgres/rules.ts']
    : ['lib/records/classify.ts', 'lib/records/examine.ts', 'lib/records/key-filter.ts', 'lib/records/detect.ts', 'lib/records/key-patterns.ts', 'lib/records/explain.ts', 'lib/records/formats/*.ts', '!lib/records/formats/*.test.ts'],
  coverageAnalysis: 'perTest',
  // One runner for the SQL rules: each vitest run migrates the shared template database in its global setup.
  concurrency: sql ? 1 : 2,
  timeoutMS: 60_000,
  // json: scripts/mutation-gate.ts reads it and holds each file to its floor.
  reporters: ['clear-text', 'progress', 'json'],
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};

export default config;

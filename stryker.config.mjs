/**
 * Mutation testing of the record rules: each mutant changes one operator or
 * condition of a rule, and some test must fail for it.
 *   npm run test:mutation          both runs below, then scripts/mutation-gate.ts:
 *                                  a file below its floor fails it (CI runs this)
 *   npm run test:mutation:ts       the TypeScript rules, against their unit tests
 *   npm run test:mutation:sql      the SQL rules, against the parity test (real Postgres)
 * Incremental: each run starts from the results committed under mutation/ and
 * re-tests only the mutants whose code or covering tests changed; commit the
 * updated file with the change.
 */
const sql = process.env.RULES === 'sql';

const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.rules.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: sql
    ? ['lib/stores/postgres/rules.ts', 'lib/idempotency/stores/postgres-expiry.ts']
    : ['lib/records/classify.ts', 'lib/records/examine.ts', 'lib/records/key-filter.ts', 'lib/records/detect.ts', 'lib/records/key-patterns.ts', 'lib/records/explain.ts', 'lib/records/formats/*.ts', '!lib/records/formats/*.test.ts'],
  coverageAnalysis: 'perTest',
  // Each worker's vitest migrates a template database of its own (tests/helpers/postgres.ts names it by
  // STRYKER_MUTATOR_WORKER), so the SQL run uses both cores too.
  concurrency: 2,
  incremental: true,
  incrementalFile: sql ? 'mutation/incremental-sql.json' : 'mutation/incremental-ts.json',
  timeoutMS: 60_000,
  // json: scripts/mutation-gate.ts reads it and holds each file to its floor.
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: sql ? 'reports/mutation/sql.json' : 'reports/mutation/ts.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};

export default config;

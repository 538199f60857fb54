/**
 * Mutation testing of the rules, the input checks and the store builders:
 * each mutant changes one operator or condition, and some test must fail for it.
 *   npm run test:mutation          the five runs below, then scripts/mutation-gate.ts:
 *                                  a file below its floor fails it (CI runs this)
 *   npm run test:mutation:ts       the TypeScript rules, against their unit tests
 *   npm run test:mutation:sql      the SQL rules, against the parity test (real Postgres)
 *   npm run test:mutation:guards   the input checks (environment, request bodies and query
 *                                  parameters) and the auth guards, against their unit tests
 *   npm run test:mutation:builders the processor library's Lua scripts and SQL statements,
 *                                  against the library's store tests (real Redis and Postgres)
 *   npm run test:mutation:actions  the action services (release, purge, sessions, the run
 *                                  that audits and dedups each action, body parsing), against
 *                                  the action tests (real Redis and Postgres)
 * Incremental: each run starts from the results committed under mutation/ and
 * re-tests only the mutants whose code or covering tests changed; commit the
 * updated file with the change.
 */
const RUNS = {
  ts: ['lib/records/classify.ts', 'lib/records/examine.ts', 'lib/records/key-filter.ts', 'lib/records/detect.ts', 'lib/records/key-patterns.ts', 'lib/records/explain.ts', 'lib/records/formats/*.ts', '!lib/records/formats/*.test.ts'],
  sql: ['lib/stores/postgres/rules.ts', 'lib/idempotency/stores/postgres-expiry.ts'],
  guards: [
    'lib/config/env.ts',
    'lib/config/cidr.ts',
    'lib/actions/schemas.ts',
    'lib/http/query.ts',
    'lib/http/text.ts',
    'lib/auth/origin.ts',
    'lib/auth/guard.ts',
    'lib/auth/csrf.ts',
    'lib/auth/roles.ts',
    'lib/auth/rate-limit.ts',
    'lib/auth/tokens.ts',
    'lib/auth/session.ts',
    'lib/auth/authenticate.ts',
  ],
  builders: ['lib/idempotency/stores/redis-scripts.ts', 'lib/idempotency/stores/postgres-sql.ts'],
  actions: [
    'lib/actions/release-action.ts',
    'lib/actions/purge-action.ts',
    'lib/actions/run-action.ts',
    'lib/actions/sessions-action.ts',
    'lib/actions/body.ts',
    'lib/actions/method-not-allowed.ts',
  ],
};
const run = process.env.RULES ?? 'ts';
if (!(run in RUNS)) throw new Error(`RULES=${run}: must be one of ${Object.keys(RUNS).join(', ')}`);

const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.rules.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: RUNS[run],
  coverageAnalysis: 'perTest',
  // Each worker's vitest migrates a template database of its own (tests/helpers/postgres.ts names it by
  // STRYKER_MUTATOR_WORKER), so the runs on real stores use both cores too.
  concurrency: 2,
  incremental: true,
  incrementalFile: `mutation/incremental-${run}.json`,
  timeoutMS: 60_000,
  // json: scripts/mutation-gate.ts reads it and holds each file to its floor.
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${run}.json` },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};

export default config;

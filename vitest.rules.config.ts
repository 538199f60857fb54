import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The tests that hold the mutated files of each mutation run
 * (stryker.config.mjs, RULES=ts|sql|guards|builders|actions):
 * - ts: the unit tests of lib/records alone, with no database;
 * - sql: the tests of the SQL rules: their unit tests, the parity test, the
 *   expiry timeline of each profile, the releases that compare each row's
 *   seen token, the partitioned profile's parity test, and the custom
 *   profile's attach test (its release compares the mapped columns' seen token);
 * - guards: the unit tests of the environment, the request bodies and query
 *   parameters, and the auth guards, with no store;
 * - builders: the processor library's store tests, on real Redis and Postgres
 *   (the scripts are module constants, so each of their mutants runs all of them),
 *   and the unit test of what the statements' text alone decides;
 * - actions: the action services' tests, on real Redis and Postgres: releases,
 *   purges and their jobs, the audit of each action, double submits, sessions,
 *   and the request body's parsing.
 */
const run = process.env.RULES ?? 'ts';

const INCLUDE: Record<string, string[]> = {
  ts: ['lib/records/*.test.ts', 'lib/records/formats/*.test.ts'],
  sql: [
    'lib/stores/postgres/rules.test.ts',
    'tests/stores/row-rules-parity.test.ts',
    'tests/stores/expiry-timeline.test.ts',
    'tests/stores/stripe-keys.test.ts',
    'tests/actions/postgres-release.test.ts',
    'tests/stores/partitioned-rules-parity.test.ts',
    'tests/stores/custom-attach.test.ts',
  ],
  guards: [
    'lib/config/*.test.ts',
    'lib/actions/*.test.ts',
    'lib/http/*.test.ts',
    'tests/auth/credentials.test.ts',
    'tests/auth/csrf-and-rate.test.ts',
    'tests/auth/guard.test.ts',
    'tests/auth/origin.test.ts',
  ],
  builders: [
    'lib/idempotency/stores/postgres-sql.test.ts',
    'tests/idempotency/redis-store.test.ts',
    'tests/idempotency/postgres-store.test.ts',
    'tests/idempotency/postgres-partitioned-store.test.ts',
    'tests/idempotency/postgres-setup.test.ts',
    'tests/idempotency/in-flight-index.test.ts',
  ],
  actions: [
    'tests/actions/audit-intent.test.ts',
    'tests/actions/double-submit.test.ts',
    'tests/actions/postgres-release.test.ts',
    'tests/actions/postgres-purge-action.test.ts',
    'tests/actions/redis-purge.test.ts',
    'tests/actions/redis-release.test.ts',
    'tests/actions/release-action.test.ts',
    'tests/actions/sessions-and-body.test.ts',
  ],
};
const include = INCLUDE[run];
if (!include) throw new Error(`RULES=${run}: must be one of ${Object.keys(INCLUDE).join(', ')}`);

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname), 'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js') } },
  test: {
    include,
    globalSetup: run === 'sql' || run === 'builders' || run === 'actions' ? ['tests/helpers/global-setup.ts'] : [],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The tests that hold the record rules, for the mutation runs
 * (stryker.config.mjs): the unit tests of lib/records alone, with no
 * database, or with RULES=sql the tests of the SQL rules: their unit tests,
 * the parity test, the expiry timeline of each profile, and the releases
 * that compare each row's seen token, the partitioned profile's parity test, and the custom
 * profile's attach test (its release compares the mapped columns' seen token).
 */
const sql = process.env.RULES === 'sql';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname), 'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js') } },
  test: {
    include: sql
      ? ['lib/stores/postgres/rules.test.ts', 'tests/stores/row-rules-parity.test.ts', 'tests/stores/expiry-timeline.test.ts', 'tests/stores/stripe-keys.test.ts', 'tests/actions/postgres-release.test.ts', 'tests/stores/partitioned-rules-parity.test.ts', 'tests/stores/custom-attach.test.ts']
      : ['lib/records/*.test.ts', 'lib/records/formats/*.test.ts'],
    globalSetup: sql ? ['tests/helpers/global-setup.ts'] : [],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidIdempotencyKeyError, PostgresStore, idempotent, keyToUuid, type PostgresStoreOptions } from '../../lib/idempotency/index';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import type { StoreHarness } from './harness';
import { describeStoreContract } from './store-contract';

const RECIPE_SQL = (id: string) =>
  `INSERT INTO processed_messages (message_id, result) VALUES ('${id}'::UUID, '{"status": "shipped"}'::JSONB) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`;

const postgresHarness = (options: PostgresStoreOptions) => async (): Promise<StoreHarness> => {
  const db = await createTestDatabase('idem_pg');
  const admin = new pg.Pool({ connectionString: db.url, max: 2 });

  return {
    async connect() {
      const pool = new pg.Pool({ connectionString: db.url, max: 4 });
      return { store: new PostgresStore(pool, options), close: () => pool.end() };
    },
    async connectBroken() {
      const pool = new pg.Pool({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 500 });
      return { store: new PostgresStore(pool), close: () => pool.end() };
    },
    newKey: () => randomUUID(),
    async counters(consumer) {
      const { rows } = await admin.query(
        `SELECT coalesce(sum(deliveries), 0)::int AS deliveries, coalesce(sum(first_deliveries), 0)::int AS first,
                coalesce(sum(duplicates), 0)::int AS duplicates, coalesce(sum(in_progress_conflicts), 0)::int AS "inProgress",
                coalesce(sum(failures), 0)::int AS failures, coalesce(sum(releases), 0)::int AS releases
         FROM delivery_stats WHERE consumer = $1 AND store = 'postgres'`,
        [consumer],
      );
      return rows[0];
    },
    async writePlainCompleted(key) {
      const first = await admin.query(RECIPE_SQL(key));
      const again = await admin.query(RECIPE_SQL(key));
      if (first.rowCount !== 1 || again.rowCount !== 0) throw new Error('the plain recipe no longer deduplicates');
      return { status: 'shipped' };
    },
    fixtureStore: { store: 'postgres', url: db.url, options: JSON.stringify(options) },
    async teardown() {
      await admin.end();
      await db.drop();
    },
  };
};

describeStoreContract('postgres', postgresHarness({}));
describeStoreContract('postgres (one statement per message, completion without flush wait)', postgresHarness({
  prepare: false,
  durableCompletion: false,
  maxBatchSize: 1,
}));

describe('postgres store keys', () => {
  it('rejects a non-UUID key with a typed error that points at keyToUuid', () => {
    const store = new PostgresStore({ query: async () => ({ rows: [], rowCount: 0 }) });
    const handle = idempotent(async () => 1, { store, consumer: 'keys', key: () => 'order-42' });

    return expect(handle({})).rejects.toSatisfy(
      (e) => e instanceof InvalidIdempotencyKeyError && /keyToUuid/.test(e.message) && e.context.key === 'order-42',
    );
  });

  it('accepts the UUID keyToUuid derives from a business key', () => {
    const store = new PostgresStore({ query: async () => ({ rows: [], rowCount: 0 }) });
    expect(store.normaliseKey(keyToUuid('order-42'))).toBe(keyToUuid('order-42'));
  });
});

describe('postgres store retention', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase('idem_pg_purge');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('purges by the dashboard\'s expiry rule: expires_at when set, else processed_at + retention, never a row in flight', async () => {
    const store = new PostgresStore(pool);
    const rows = {
      completedPast: ['completed', '-2 days', '-1 minute'],
      completedKeptLonger: ['completed', '-30 days', '1 day'],
      failedPastRetention: ['failed', '-49 hours', null],
      failedYoung: ['failed', '-47 hours', null],
      failedPastExpiry: ['failed', '-1 hour', '-1 minute'],
      inFlightLongAgo: ['processing', '-30 days', '-1 day'],
    } as const;
    const ids = Object.fromEntries(Object.keys(rows).map((name) => [name, randomUUID()])) as Record<keyof typeof rows, string>;
    for (const [name, [status, processed, expires]] of Object.entries(rows)) {
      await pool.query(
        `INSERT INTO processed_messages (message_id, status, processed_at, expires_at)
         VALUES ($1, $2, now() + $3::interval, now() + $4::interval)`,
        [ids[name as keyof typeof rows], status, processed, expires],
      );
    }

    expect(await store.purgeExpired({ retentionHours: 48 })).toBe(3);
    const left = async (name: keyof typeof rows) => (await store.get(ids[name])) !== null;
    expect(await left('completedPast')).toBe(false);
    expect(await left('failedPastRetention')).toBe(false);
    expect(await left('failedPastExpiry')).toBe(false);
    expect(await left('completedKeptLonger')).toBe(true);
    expect(await left('failedYoung')).toBe(true);
    expect(await left('inFlightLongAgo')).toBe(true);
  });

  it('purges in batches of the limit it is given, and refuses a limit that is not a whole number of rows', async () => {
    const store = new PostgresStore(pool);
    await pool.query('DELETE FROM processed_messages');
    await pool.query(
      `INSERT INTO processed_messages (message_id, status, expires_at)
       SELECT gen_random_uuid(), 'completed', now() - interval '1 minute' FROM generate_series(1, 5)`,
    );
    expect(await store.purgeExpired({ limit: 3 })).toBe(3);
    expect(await store.purgeExpired({ limit: 3 })).toBe(2);
    expect(await store.purgeExpired({ limit: 3 })).toBe(0);
    await expect(store.purgeExpired({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(store.purgeExpired({ limit: 2.5 })).rejects.toThrow(/limit/);
  });
});

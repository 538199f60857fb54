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

  it('purges completed rows past their retention and keeps the rest', async () => {
    const store = new PostgresStore(pool);
    const [old, fresh, running] = [randomUUID(), randomUUID(), randomUUID()];
    await pool.query(
      `INSERT INTO processed_messages (message_id, status, expires_at) VALUES
         ($1, 'completed', now() - interval '1 minute'), ($2, 'completed', now() + interval '1 day'),
         ($3, 'processing', now() - interval '1 minute')`,
      [old, fresh, running],
    );

    expect(await store.purgeExpired()).toBe(1);
    expect(await store.get(old)).toBeNull();
    expect(await store.get(fresh)).not.toBeNull();
    expect(await store.get(running)).not.toBeNull();
  });
});

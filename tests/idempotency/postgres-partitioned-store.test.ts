import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingMessageTimeError, PostgresStore, ensurePartitions, idempotent, setupPostgresStore, uuidV7, uuidV7Time, type PostgresStoreOptions } from '../../lib/idempotency/index';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import type { StoreHarness } from './harness';
import { describeStoreContract } from './store-contract';

/**
 * The library's contract on a table range-partitioned by message time
 * (setupPostgresStore({ partitionedBy })). Keys are UUIDv7, so that each
 * message carries its time and every redelivery lands in the same partition.
 */
const TABLE = 'part.processed_messages';
const OPTIONS: PostgresStoreOptions = { table: TABLE, statsTable: 'part.delivery_stats', partitionedBy: 'message_time' };

async function partitionedDatabase(label: string): Promise<{ db: TestDatabase; admin: pg.Pool }> {
  const db = await createTestDatabase(label);
  const admin = new pg.Pool({ connectionString: db.url, max: 2 });
  await admin.query('CREATE SCHEMA part');
  await setupPostgresStore(admin, { table: TABLE, partitionedBy: 'message_time', partitions: { daysBack: 2, daysAhead: 2 } });
  return { db, admin };
}

const partitionedHarness = (options: PostgresStoreOptions) => async (): Promise<StoreHarness> => {
  const { db, admin } = await partitionedDatabase('idem_part');
  return {
    async connect() {
      const pool = new pg.Pool({ connectionString: db.url, max: 4 });
      return { store: new PostgresStore(pool, options), close: () => pool.end() };
    },
    async connectBroken() {
      const pool = new pg.Pool({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 500 });
      return { store: new PostgresStore(pool, options), close: () => pool.end() };
    },
    newKey: () => uuidV7(),
    async counters(consumer) {
      const { rows } = await admin.query(
        `SELECT coalesce(sum(deliveries), 0)::int AS deliveries, coalesce(sum(first_deliveries), 0)::int AS first,
                coalesce(sum(duplicates), 0)::int AS duplicates, coalesce(sum(in_progress_conflicts), 0)::int AS "inProgress",
                coalesce(sum(failures), 0)::int AS failures, coalesce(sum(releases), 0)::int AS releases
         FROM part.delivery_stats WHERE consumer = $1 AND store = 'postgres'`,
        [consumer],
      );
      return rows[0];
    },
    async writePlainCompleted(key) {
      // The recipe on a partitioned table: its key is (message_id, message time).
      const insert = `INSERT INTO ${TABLE} (message_id, message_time, result) VALUES ($1::uuid, $2, '{"status": "shipped"}'::jsonb)
                      ON CONFLICT (message_id, message_time) DO NOTHING RETURNING message_id`;
      const at = new Date(uuidV7Time(key)!);
      const first = await admin.query(insert, [key, at]);
      const again = await admin.query(insert, [key, at]);
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

describeStoreContract('postgres, partitioned by message time', partitionedHarness(OPTIONS));

describe('postgres store on a partitioned table', () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  beforeAll(async () => {
    ({ db, admin } = await partitionedDatabase('idem_part_time'));
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  it('files each claim in its message time partition, deduplicates redeliveries there, and claims in one INSERT … ON CONFLICT', async () => {
    const store = new PostgresStore(admin, { ...OPTIONS, prepare: false });
    let runs = 0;
    const sentAt = Date.now() - 86_400_000;
    const handle = idempotent(async (m: { id: string }) => ++runs && m.id, {
      store,
      consumer: 'part-time',
      key: (m) => m.id,
      messageTime: () => new Date(sentAt),
    });
    const id = '0a8d3c6e-1111-4c4c-8d8d-000000000001';
    expect((await handle.process({ id })).outcome).toBe('processed');
    expect((await handle.process({ id })).outcome).toBe('duplicate');
    expect(runs).toBe(1);
    const { rows } = await admin.query(
      `SELECT tableoid::regclass::text AS part, message_time, status::text AS status FROM ${TABLE} WHERE message_id = $1`,
      [id],
    );
    const day = new Date(Math.floor(sentAt / 86_400_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    expect(rows).toEqual([{ part: `part.processed_messages_p${day}`, message_time: new Date(sentAt), status: 'completed' }]);
  });

  it('refuses a claim that carries no message time with a typed error', async () => {
    const store = new PostgresStore(admin, OPTIONS);
    const handle = idempotent(async () => 1, { store, consumer: 'part-none', key: () => '0a8d3c6e-1111-4c4c-8d8d-000000000002' });
    await expect(handle({})).rejects.toBeInstanceOf(MissingMessageTimeError);
  });

  it('pre-creates upcoming daily partitions idempotently, and leaves covered days alone', async () => {
    // Thirty days past the days the setup above created around the real today, so none of these exist yet.
    const DAY = 86_400_000;
    const now = (Math.floor(Date.now() / DAY) + 30) * DAY + 13 * 3_600_000;
    const name = (offset: number) => `processed_messages_p${new Date(now + offset * DAY).toISOString().slice(0, 10).replace(/-/g, '')}`;
    const first = await ensurePartitions(admin, { table: TABLE, daysAhead: 3, now });
    expect(first).toEqual([0, 1, 2, 3].map((d) => `"part"."${name(d)}"`));
    expect(await ensurePartitions(admin, { table: TABLE, daysAhead: 3, now })).toEqual([]);
    const { rows } = await admin.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '${TABLE}'::regclass AND c.relname >= $1 AND c.relname <= $2 ORDER BY 1`,
      [name(0), name(3)],
    );
    expect(rows.map((r) => r.relname)).toEqual([0, 1, 2, 3].map(name));
  });

  it('refuses to make an existing plain table partitioned', async () => {
    await expect(setupPostgresStore(admin, { table: 'public.processed_messages', partitionedBy: 'message_time' })).rejects.toThrow(/not partitioned/);
  });
});

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore, setupPostgresStore } from '../../lib/idempotency';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('library_setup');
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  await pool.query('CREATE SCHEMA billing');
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('setupPostgresStore: the library sets up its own table', () => {
  it('creates a table and counters of any name, which the store then writes', async () => {
    await setupPostgresStore(pool, { table: 'billing.dedup' });
    await setupPostgresStore(pool, { table: 'billing.dedup' });
    const store = new PostgresStore(pool, { table: 'billing.dedup', statsTable: 'billing.delivery_stats' });
    const key = randomUUID();
    const { claimed } = await store.claim({ key, consumer: 'invoices', owner: randomUUID(), leaseMs: 60_000 });
    expect(await store.complete(claimed!, { ok: true }, 3600)).toBe(true);
    expect((await store.get(key))?.status).toBe('completed');
    const { rows } = await pool.query(`SELECT sum(deliveries)::int AS n FROM billing.delivery_stats WHERE consumer = 'invoices'`);
    expect(rows[0].n).toBe(1);
  });

  it('adopts an existing recipe table, whose rows read as completed and whose plain INSERT keeps working', async () => {
    await pool.query('CREATE TABLE billing.seen (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)');
    const old = randomUUID();
    await pool.query(`INSERT INTO billing.seen (message_id, result) VALUES ($1, '{"v":1}')`, [old]);
    await setupPostgresStore(pool, { table: 'billing.seen', statsTable: null });
    const store = new PostgresStore(pool, { table: 'billing.seen', statsTable: null });
    expect(await store.get(old)).toMatchObject({ status: 'completed', result: { v: 1 } });
    const fresh = randomUUID();
    const insert = `INSERT INTO billing.seen (message_id, result) VALUES ($1::uuid, '{"v":2}') ON CONFLICT (message_id) DO NOTHING RETURNING message_id`;
    expect((await pool.query(insert, [fresh])).rowCount).toBe(1);
    expect((await pool.query(insert, [fresh])).rowCount).toBe(0);
    // No counters table was asked for, and none is written to.
    const { rows } = await pool.query(`SELECT to_regclass('billing.delivery_stats') IS NOT NULL AS has`);
    expect(rows[0].has).toBe(true);
    const key = randomUUID();
    const { claimed } = await store.claim({ key, consumer: 'x', owner: randomUUID(), leaseMs: 1000 });
    expect(claimed).toBeDefined();
    // A failed handler's release marks the row failed, with no counter to count the failure in.
    expect(await store.release(claimed!)).toBe(true);
    expect(await store.get(key)).toMatchObject({ status: 'failed' });
    const counted = await pool.query(`SELECT count(*)::int AS n FROM billing.delivery_stats WHERE consumer = 'x'`);
    expect(counted.rows[0].n).toBe(0);
  });

  it('refuses a table name that is not plain identifiers', async () => {
    await expect(setupPostgresStore(pool, { table: 'billing.dedup; DROP TABLE x' })).rejects.toThrow(/not a table name/);
    expect(() => new PostgresStore(pool, { table: 'a.b.c' })).toThrow(/not a table name/);
  });
});

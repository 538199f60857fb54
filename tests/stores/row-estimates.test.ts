import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../lib/db/prisma';
import type { PrismaClient } from '../../lib/db/generated/client';
import { estimateRows } from '../../lib/stores/postgres/counts';
import { PostgresTables } from '../../lib/stores/postgres/adapters';
import { rowClock } from '../../lib/stores/postgres/rules';
import { tableRef } from '../../lib/stores/postgres/tables';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

/**
 * Counts above the exact limit are estimates, and must stay within 10 % of
 * the truth straight after a bulk load or a bulk delete that no ANALYZE has
 * seen (reltuples alone is -1 before the first ANALYZE, and stale after).
 * The exact limit is lowered here so that tens of thousands of rows take the
 * path a table of millions takes.
 */
let database: TestDatabase;
let client: pg.Client;
let db: PrismaClient;
const T = tableRef({ schema: 'public', table: 'bulk_rows' });
const settings = { stuckAfterSeconds: 300, retentionHours: 72, bulkLimit: 0 };
const LIMITS = { table: 10_000, exact: 1_000, inFlight: 1_000 };

beforeAll(async () => {
  database = await createTestDatabase('estimates');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  db = createPrismaClient(database.url, 2);
  // No autovacuum on it: nothing but the statements below may update its statistics.
  await client.query(`CREATE TABLE bulk_rows (message_id uuid primary key, processed_at timestamptz default now(), result jsonb) WITH (autovacuum_enabled = off)`);
});
afterAll(async () => {
  await db.$disconnect();
  await client.end();
  await database.drop();
});

async function flushStats(): Promise<void> {
  // The statistics of this backend's writes reach pg_stat_user_tables when it flushes them.
  await client.query('SELECT pg_stat_force_next_flush()');
  await client.query('SELECT 1');
}

async function truth(): Promise<number> {
  return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bulk_rows')).rows[0]!.n;
}

async function recipeCount() {
  const tables = new PostgresTables(db, [{ schema: 'public', table: 'bulk_rows', profile: 'recipe' }]);
  const [adapter] = await tables.adapters(settings, Date.now);
  return adapter!.counts(rowClock(Date.now(), 300, 72), LIMITS);
}

const within10 = (estimate: number, real: number) => expect(Math.abs(estimate - real) / real).toBeLessThanOrEqual(0.1);

describe('row estimates without ANALYZE', () => {
  it('are within 10 % straight after a bulk load', async () => {
    await client.query(`INSERT INTO bulk_rows (message_id, processed_at) SELECT gen_random_uuid(), now() - (i % 200) * interval '1 hour' FROM generate_series(1, 60000) i`);
    await flushStats();
    const { rows } = await client.query(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'bulk_rows'::regclass`);
    expect(rows[0].n).toBe(-1);
    const real = await truth();
    within10(await estimateRows(db, T), real);
    const counts = await recipeCount();
    expect(counts.rows.estimated).toBe(true);
    within10(counts.rows.value, real);
    // processed_at has no index here: the expired share comes from a page sample, labelled.
    expect(counts.expired.estimated).toBe(true);
    const expired = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bulk_rows WHERE processed_at <= now() - interval '72 hours'`)).rows[0]!.n;
    within10(counts.expired.value, expired);
  });

  it('are within 10 % after an ANALYZE and then a bulk load it has not seen', async () => {
    await client.query('ANALYZE bulk_rows');
    await client.query(`INSERT INTO bulk_rows (message_id) SELECT gen_random_uuid() FROM generate_series(1, 90000)`);
    await flushStats();
    within10(await estimateRows(db, T), await truth());
  });

  it('are within 10 % straight after a bulk delete', async () => {
    await client.query(`DELETE FROM bulk_rows WHERE ctid IN (SELECT ctid FROM bulk_rows TABLESAMPLE BERNOULLI (70))`);
    await flushStats();
    const real = await truth();
    expect(real).toBeGreaterThan(20_000);
    within10(await estimateRows(db, T), real);
    within10((await recipeCount()).rows.value, real);
  });

  it('are exact, and say so, when the table is within the exact limit', async () => {
    await client.query('DELETE FROM bulk_rows WHERE ctid IN (SELECT ctid FROM bulk_rows LIMIT (SELECT count(*) - 5000 FROM bulk_rows))');
    await flushStats();
    const counts = await recipeCount();
    expect(counts.rows).toEqual({ value: 5000, estimated: false });
    expect(counts.expired.estimated).toBe(false);
  });
});

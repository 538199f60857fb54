import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomColumns, TableProfileName } from '../../lib/config/env';
import { createPrismaClient } from '../../lib/db/prisma';
import { PostgresTables, type TableAdapter } from '../../lib/stores/postgres/adapters';
import { rowClock } from '../../lib/stores/postgres/rules';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

/**
 * The expiry timeline of each profile, row by row, on an injected clock: a
 * row lands in the hour its own rule says it expires. Each case is chosen so
 * that a plausible wrong rule moves it, for example LEAST(expires_at,
 * processed_at + retention) in place of "expires_at when set, else
 * processed_at + retention" (issue #16: that change once passed every test).
 */
const H = 3_600_000;
const RETENTION_HOURS = 72;
const SETTINGS = { stuckAfterSeconds: 300, retentionHours: RETENTION_HOURS, bulkLimit: 1000 };
/** An hour boundary; the clock reads half an hour later, so the first bucket is partly past. */
const ORIGIN = Date.UTC(2026, 11, 5, 12);
const NOW = ORIGIN + H / 2;
const at = (hours: number) => new Date(ORIGIN + hours * H);

let database: TestDatabase;
let client: pg.Client;
let prisma: ReturnType<typeof createPrismaClient>;

beforeAll(async () => {
  database = await createTestDatabase('expiry_timeline');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  prisma = createPrismaClient(database.url, 2);
});
afterAll(async () => {
  await client.end();
  await prisma.$disconnect();
  await database.drop();
});

async function adapterOf(schema: string, table: string, profile: TableProfileName, columns?: CustomColumns): Promise<TableAdapter> {
  const tables = new PostgresTables(prisma, [{ schema, table, profile, ...(columns ? { columns } : {}) }]);
  const [adapter] = await tables.adapters(SETTINGS, () => NOW);
  expect(adapter?.table.profile).toBe(profile);
  return adapter!;
}

async function timeline(adapter: TableAdapter): Promise<Map<number, number>> {
  const { buckets, estimated } = await adapter.expiry(rowClock(NOW, SETTINGS.stuckAfterSeconds, RETENTION_HOURS), ORIGIN, 3600, 96);
  expect(estimated).toBe(false);
  return new Map(buckets.flatMap((n, i) => (n > 0 ? [[i, n] as const] : [])));
}

describe('the expiry timeline puts each row in the hour its rule says', () => {
  it('library rows: expires_at when set (even when later than processed_at + retention), else processed_at + retention', async () => {
    const row = (status: string, processed: Date | null, expires: Date | null) =>
      client.query(
        `INSERT INTO processed_messages (message_id, status, claimed_at, processed_at, expires_at) VALUES (gen_random_uuid(), $1, $2, $3, $4)`,
        [status, processed ?? at(-1), processed, expires],
      );
    await row('completed', at(-71), at(10)); // kept longer than the global retention: expires at +10 h, not +1 h
    await row('completed', at(-71), at(20)); // and again, in another hour
    await row('completed', at(-70), null); // no expires_at: processed_at + 72 h = +2 h
    await row('failed', at(-1), at(3)); // a failed row expires too, by its own expires_at
    await row('completed', at(-10), at(-1)); // expired an hour ago: overdue, not on the timeline
    await row('completed', at(-72), null); // processed_at + 72 h = the origin, before the clock: overdue
    await row('processing', at(-1), null); // in flight: never expires while claimed
    expect(await timeline(await adapterOf('public', 'processed_messages', 'library'))).toEqual(
      new Map([
        [2, 1],
        [3, 1],
        [10, 1],
        [20, 1],
      ]),
    );
  });

  it('recipe rows: processed_at + retention; a row without processed_at never expires', async () => {
    await client.query('CREATE TABLE recipe_rows (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)');
    for (const processed of [at(-70), at(-70), at(-1), at(-71.75), null]) {
      await client.query('INSERT INTO recipe_rows (message_id, processed_at) VALUES (gen_random_uuid(), $1)', [processed]);
    }
    // -71.75 h + 72 h = +15 min: in the first hour, but before the clock (+30 min), so already overdue.
    expect(await timeline(await adapterOf('public', 'recipe_rows', 'recipe'))).toEqual(
      new Map([
        [2, 2],
        [71, 1],
      ]),
    );
  });

  it('stripe-keys rows: created_at + retention once at rest; a locked key in flight never expires', async () => {
    await client.query(`
      CREATE TABLE idempotency_keys (
        id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), idempotency_key TEXT NOT NULL,
        last_run_at TIMESTAMPTZ NOT NULL DEFAULT now(), locked_at TIMESTAMPTZ DEFAULT now(), request_method TEXT NOT NULL,
        request_params JSONB NOT NULL, request_path TEXT NOT NULL, response_code INT NULL, response_body JSONB NULL,
        recovery_point TEXT NOT NULL, user_id BIGINT NOT NULL)`);
    const key = (name: string, created: Date, locked: Date | null, recoveryPoint: string) =>
      client.query(
        `INSERT INTO idempotency_keys (idempotency_key, created_at, locked_at, request_method, request_params, request_path, recovery_point, user_id)
         VALUES ($1, $2, $3, 'POST', '{}', '/charges', $4, 1)`,
        [name, created, locked, recoveryPoint],
      );
    await key('finished', at(-69), at(-69), 'finished'); // at rest, finished: +3 h
    await key('unlocked', at(-60), null, 'started'); // at rest, lock released mid-way: +12 h
    await key('locked', at(-60), at(-1), 'started'); // in flight: not on the timeline
    expect(await timeline(await adapterOf('public', 'idempotency_keys', 'stripe-keys'))).toEqual(
      new Map([
        [3, 1],
        [12, 1],
      ]),
    );
  });

  it('custom rows: the expiry column when set (even later than processed + retention), else processed + retention; only finished rows, by the mapped status values', async () => {
    await client.query('CREATE TABLE inbox (msg_id bigint primary key, state text, handled_at timestamptz, keep_until timestamptz)');
    const columns: CustomColumns = {
      id: 'msg_id',
      processed: 'handled_at',
      status: 'state',
      expires: 'keep_until',
      statusValues: { processing: 'busy', completed: 'ok', failed: 'bad' },
    };
    const row = (n: number, state: string, handled: Date | null, keep: Date | null) =>
      client.query('INSERT INTO inbox (msg_id, state, handled_at, keep_until) VALUES ($1, $2, $3, $4)', [n, state, handled, keep]);
    await row(1, 'ok', at(-71), at(10)); // kept longer than the retention: +10 h, not +1 h
    await row(2, 'bad', at(-70), null); // no expiry column value: handled + 72 h = +2 h
    await row(3, 'ok', null, at(5)); // no handled time, but an expiry: +5 h
    await row(4, 'busy', at(-70), at(4)); // in flight: never on the timeline
    await row(5, 'completed', at(-70), null); // not a mapped value: unrecognized, never expires
    await row(6, 'ok', at(-10), at(-1)); // overdue: not on the timeline
    expect(await timeline(await adapterOf('public', 'inbox', 'custom', columns))).toEqual(
      new Map([
        [2, 1],
        [5, 1],
        [10, 1],
      ]),
    );
  });
});

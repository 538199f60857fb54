import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeAction } from '../../lib/actions/purge-action';
import { releaseAction } from '../../lib/actions/release-action';
import { purgeBody, releaseBody } from '../../lib/actions/schemas';
import type { PostgresPurgePreview, PostgresPurgeStarted } from '../../lib/contract/actions';
import { createDashboard } from '../../lib/dashboard/context';
import type { DashboardDeps } from '../../lib/dashboard/deps';
import { getHealth } from '../../lib/dashboard/health';
import { listMessages, requireMessageDetail } from '../../lib/dashboard/messages';
import { getOverview } from '../../lib/dashboard/overview';
import { migrate } from '../../lib/db/migrate';
import { createPrismaClient } from '../../lib/db/prisma';
import type { PrismaClient } from '../../lib/db/generated/client';
import { createStores } from '../../lib/stores';
import { purgeRunSettled } from '../../lib/stores/postgres/purge-jobs';
import type { StoreSettings } from '../../lib/stores/settings';
import { operator, type ActionFixture } from '../actions/setup';
import { testConfig } from '../dashboard/helpers/dataset';
import { ADMIN_URL, databaseUrl } from '../helpers/postgres';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';

/**
 * The "done means": a database holding only the common recipe's
 * table, never analyzed, with rows past the retention, and nothing of ours
 * but `npm run db:migrate` (own schema only). The dashboard counts it
 * exactly, lists it, previews and runs the purge, releases rows, and the
 * table's shape is the same afterwards, holding no row of ours.
 */
const ROWS = Number(process.env.RECIPE_ATTACH_ROWS ?? 20_000);
const OLD = Math.floor(ROWS * 0.3);
const RECIPE = 'CREATE TABLE processed_messages (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)';
// Rows with ids we can recognise: md5 of their number, as a uuid.
const idOf = (i: number) => `md5('${i}')::uuid`;

let url: string;
let name: string;
let client: pg.Client;
let db: PrismaClient;
let redis: TestRedisClient;
let prefix: string;
let deps: DashboardDeps;
let actions: ActionFixture;
let shapeBefore: unknown;

async function shape() {
  const columns = await client.query(
    `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = 'processed_messages' ORDER BY ordinal_position`,
  );
  const indexes = await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'processed_messages' ORDER BY 1`);
  const triggers = await client.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.processed_messages'::regclass`);
  const publicObjects = await client.query(
    `SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
     UNION ALL SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1`,
  );
  return { columns: columns.rows, indexes: indexes.rows, triggers: triggers.rows, publicObjects: publicObjects.rows };
}

beforeAll(async () => {
  name = `idemscope_t_recipe_${randomBytes(3).toString('hex')}`;
  url = databaseUrl(name);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(RECIPE);
  await client.query(
    `INSERT INTO processed_messages (message_id, processed_at, result)
     SELECT ${idOf(0).replace("'0'", 'i::text')}, now() - CASE WHEN i <= $1 THEN interval '100 hours' ELSE interval '1 hour' END, jsonb_build_object('n', i)
     FROM generate_series(1, $2) i`,
    [OLD, ROWS],
  );
  // Wait for the statistics collector to hear of the load; no ANALYZE ever runs.
  await client.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
  shapeBefore = await shape();
  await migrate(url);

  db = createPrismaClient(url, 4);
  redis = await newRedisClient();
  prefix = testPrefix('recipe');
  const config = testConfig(prefix);
  deps = createDashboard({ config, redis, db });
  const settings: StoreSettings = {
    keyPatterns: config.keyPatterns,
    statsPrefix: config.statsPrefix,
    stuckAfterSeconds: 300,
    plainLockTtlSeconds: 86_400,
    retentionHours: 72,
    bulkLimit: 10_000,
    scanCount: 1000,
    purgeBatchSize: 1000,
  };
  actions = {
    db,
    redis,
    config: settings,
    stores: createStores({ redis, db }, settings),
    database: { name, url, drop: async () => undefined },
    prefix,
    keyPrefix: `${prefix}idempotency:`,
    statsPrefix: settings.statsPrefix,
    close: async () => undefined,
  };
}, 120_000);

afterAll(async () => {
  await deps?.scanner.stop();
  await deleteByPrefix(redis, prefix);
  redis?.destroy();
  await db?.$disconnect();
  await client?.end();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

describe('a database holding only the recipe table, never analyzed', () => {
  it('was never analyzed, and db:migrate left the table as it was', async () => {
    const { rows } = await client.query(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'public.processed_messages'::regclass`);
    expect(rows[0].n).toBe(-1);
    expect(await shape()).toEqual(shapeBefore);
  });

  it('is counted exactly on the overview, as the recipe profile', async () => {
    const { postgres } = await getOverview(deps, { fresh: false });
    expect(postgres).toMatchObject({ reachable: true, rows: ROWS, completed: ROWS - OLD, expired: OLD, processing: 0, stuck: 0, failed: 0, unfit: [] });
    expect(Object.values(postgres.estimated).some(Boolean)).toBe(false);
    expect(postgres.tables).toEqual([
      { table: 'public.processed_messages', profile: 'recipe', rows: ROWS, processing: 0, stuck: 0, completed: ROWS - OLD, failed: 0, expired: OLD, estimated: false, timeIndexed: false },
    ]);
  });

  it('is listed by the explorer, every row named with its table', async () => {
    const all = await listMessages(deps, { limit: 50 });
    expect(all.items).toHaveLength(50);
    expect(all.items.every((i) => i.table === 'public.processed_messages' && ['completed', 'expired'].includes(i.state))).toBe(true);
    expect(all.nextCursor).not.toBeNull();
    const expired = await listMessages(deps, { state: 'expired', limit: 20 });
    expect(expired.items.length).toBeGreaterThan(0);
    expect(expired.items.every((i) => i.state === 'expired')).toBe(true);
    expect((await listMessages(deps, { state: 'processing', limit: 20 })).items).toEqual([]);
    const { rows } = await client.query(`SELECT ${idOf(1)}::text AS id`);
    const detail = await requireMessageDetail(deps, rows[0].id);
    expect(detail).toMatchObject({ table: 'public.processed_messages', state: 'expired', result: { n: 1 } });

    // A time window and a key search narrow the same bounded walk.
    const first = all.items[0]!;
    const at = Date.parse(first.processedAt);
    const every = async (q: Omit<Parameters<typeof listMessages>[1], 'cursor' | 'limit'>) => {
      const found: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listMessages(deps, { ...q, limit: 50, cursor });
        found.push(...page.items.map((i) => i.messageId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return found;
    };
    expect(await every({ between: { fromMs: at, toMs: at + 1, on: 'recorded' } })).toContain(first.messageId);
    const hour = 3_600_000;
    const expiring = await every({ between: { fromMs: at + 72 * hour, toMs: at + 72 * hour + 1, on: 'expires' } });
    expect(expiring).toContain(first.messageId);
    expect(await every({ between: { fromMs: at + 1, toMs: at + 2, on: 'recorded' } })).not.toContain(first.messageId);
    const prefix = first.messageId.slice(0, 9);
    const byPrefix = await every({ search: { text: prefix, mode: 'prefix' } });
    expect(byPrefix).toContain(first.messageId);
    expect(byPrefix.every((id) => id.startsWith(prefix))).toBe(true);
  });

  it('reports a configured table that fits no profile by what it lacks, on the overview and health, never as a failure', async () => {
    await client.query('CREATE TABLE IF NOT EXISTS public.seen_events (event_id text primary key, seen_at timestamptz)');
    const both = createDashboard({
      config: { ...deps.config, tables: [{ schema: 'public', table: 'processed_messages' }, { schema: 'public', table: 'seen_events' }] },
      redis,
      db,
    });
    const { postgres } = await getOverview(both, { fresh: false });
    expect(postgres.reachable).toBe(true);
    expect(postgres.rows).toBe(ROWS);
    expect(postgres.unfit).toEqual([
      expect.objectContaining({ name: 'public.seen_events', profile: null, missing: expect.objectContaining({ recipe: expect.arrayContaining(['message_id (uuid)']) }) }),
    ]);
    const health = await getHealth(both);
    expect(health.postgres).toMatchObject({ reachable: true, unfit: [expect.objectContaining({ name: 'public.seen_events' })] });
    await both.scanner.stop();
    await client.query('DROP TABLE public.seen_events');
  });

  it('releases a row only as previewed, deleting it', async () => {
    const { rows } = await client.query(`SELECT ${idOf(ROWS)}::text AS a, ${idOf(ROWS - 1)}::text AS b`);
    const [a, b] = [rows[0].a as string, rows[0].b as string];
    const preview = await releaseAction(actions, 'postgres', operator, releaseBody.parse({ keys: [a, b], dryRun: true }));
    if (!preview.dryRun) throw new Error('expected a preview');
    expect(preview.preview.wouldRelease.map((i) => [i.key, i.state.state])).toEqual([
      [a, 'completed'],
      [b, 'completed'],
    ]);
    // b changes after the preview: it must survive.
    await client.query(`UPDATE processed_messages SET result = '{"changed":true}' WHERE message_id = $1`, [b]);
    const done = await releaseAction(
      actions,
      'postgres',
      operator,
      releaseBody.parse({ keys: preview.preview.wouldRelease.map(({ key, seen }) => ({ key, seen })), reason: 'reprocess two messages' }),
    );
    if (done.dryRun) throw new Error('expected a release');
    expect(done.body.released).toEqual([a]);
    expect(done.body.skipped).toEqual([{ key: b, reason: 'changed' }]);
    const left = await client.query(`SELECT message_id::text AS id FROM processed_messages WHERE message_id = ANY($1::uuid[])`, [[a, b]]);
    expect(left.rows.map((r) => r.id)).toEqual([b]);
  });

  it('dry-runs the purge with the exact expired count, then purges exactly those rows', async () => {
    const preview = await purgeAction(actions, operator, purgeBody.parse({ store: 'postgres', dryRun: true }));
    if (!preview.dryRun) throw new Error('expected a preview');
    expect(preview.preview as PostgresPurgePreview).toMatchObject({ table: 'public.processed_messages', wouldPurge: OLD, estimated: false, timeIndexed: false });

    const started = await purgeAction(actions, operator, purgeBody.parse({ store: 'postgres', reason: 'retention' }));
    if (started.dryRun) throw new Error('expected a job');
    const job = (started.body as PostgresPurgeStarted).job;
    expect(job.table).toBe('public.processed_messages');
    await purgeRunSettled(job.jobId);
    const { rows } = await client.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE processed_at <= now() - interval '72 hours')::int AS expired FROM processed_messages`,
    );
    // All but the released row of the recent ones, none of the old ones.
    expect(rows[0]).toEqual({ total: ROWS - OLD - 1, expired: 0 });
  });

  it('leaves the table exactly as it was, holding no row of ours, with our state in our own schema', async () => {
    expect(await shape()).toEqual(shapeBefore);
    const { rows } = await client.query(
      `SELECT count(*)::int AS foreign FROM processed_messages p WHERE NOT EXISTS (SELECT 1 FROM generate_series(1, $1) i WHERE p.message_id = md5(i::text)::uuid)`,
      [ROWS],
    );
    expect(rows[0].foreign).toBe(0);
    const own = await client.query(`SELECT (SELECT count(*)::int FROM idemscope.action_claims) AS claims, (SELECT count(*)::int FROM idemscope.audit_log) AS audit`);
    expect(own.rows[0].claims).toBeGreaterThanOrEqual(2);
    expect(own.rows[0].audit).toBeGreaterThanOrEqual(2);
  });
});

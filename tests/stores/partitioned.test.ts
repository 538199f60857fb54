import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeAction } from '../../lib/actions/purge-action';
import { purgeBody } from '../../lib/actions/schemas';
import type { PostgresPurgePreview, PostgresPurgeStarted } from '../../lib/contract/actions';
import { createDashboard } from '../../lib/dashboard/context';
import type { DashboardDeps } from '../../lib/dashboard/deps';
import { getExpiry } from '../../lib/dashboard/expiry';
import { listMessages } from '../../lib/dashboard/messages';
import { getOverview } from '../../lib/dashboard/overview';
import { createPrismaClient } from '../../lib/db/prisma';
import type { PrismaClient } from '../../lib/db/generated/client';
import { StorePrivilegeError } from '../../lib/errors';
import { setupPostgresStore } from '../../lib/idempotency/index';
import { createStores } from '../../lib/stores';
import { postgresDedupStore } from '../../lib/stores/postgres/dedup-store';
import { boundsExpiry, listPartitions } from '../../lib/stores/postgres/partitions';
import { purgeRunSettled } from '../../lib/stores/postgres/purge-jobs';
import { partitionedRules, rowClock } from '../../lib/stores/postgres/rules';
import { sql } from '../../lib/stores/postgres/sql';
import { resolveTables, tableRef } from '../../lib/stores/postgres/tables';
import type { StoreSettings } from '../../lib/stores/settings';
import { operator, type ActionFixture } from '../actions/setup';
import { testConfig } from '../dashboard/helpers/dataset';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';

/**
 * A library table range-partitioned by message time, with daily partitions
 * and rows every 10 minutes from 100 h before the retention cut to 30 h
 * after it (none within 30 min of the cut, so a test's own duration never
 * moves a row across it). One old partition holds a row in flight, another
 * a row whose own expires_at is a day ahead: both are kept from the drop.
 */
const TABLE = 'part.processed_messages';
const RETENTION_HOURS = 72;
const HOUR = 3_600_000;

let database: TestDatabase;
let client: pg.Client;
let db: PrismaClient;
let redis: TestRedisClient;
let prefix: string;
let deps: DashboardDeps;
let actions: ActionFixture;
let cutMs: number;

beforeAll(async () => {
  database = await createTestDatabase('partitioned');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('CREATE SCHEMA part');
  await setupPostgresStore(client, { table: TABLE, partitionedBy: 'message_time', partitions: { daysBack: 9, daysAhead: 2 } });
  cutMs = Date.now() - RETENTION_HOURS * HOUR;
  await client.query(
    `INSERT INTO ${TABLE} (message_id, message_time, consumer, status, processed_at, claimed_at, last_seen_at, result)
     SELECT md5(k::text)::uuid, t, 'pay', 'completed', t, t, t, jsonb_build_object('k', k)
     FROM generate_series(-600, 180) k, LATERAL (SELECT $1::timestamptz + k * interval '10 minutes' AS t) x
     WHERE abs(k) >= 3`,
    [new Date(cutMs)],
  );
  // In flight in the partition 60 h before the cut; kept by its own expiry 84 h before it: a whole day
  // apart, so the two are in different daily partitions at any time of day (20 h apart shared one
  // partition whenever the test ran between 08:00 and 12:00 UTC).
  await client.query(`UPDATE ${TABLE} SET status = 'processing', claimed_at = now(), lease_expires_at = now() + interval '1 hour', owner_token = 'held' WHERE message_id = md5('-360')::uuid`);
  await client.query(`UPDATE ${TABLE} SET expires_at = now() + interval '1 day' WHERE message_id = md5('-504')::uuid`);
  await client.query('SELECT pg_stat_force_next_flush()');

  db = createPrismaClient(database.url, 4);
  redis = await newRedisClient();
  prefix = testPrefix('partitioned');
  const config = { ...testConfig(prefix), tables: [{ schema: 'part', table: 'processed_messages' }], retentionHours: RETENTION_HOURS };
  deps = createDashboard({ config, redis, db });
  const settings: StoreSettings = {
    keyPatterns: config.keyPatterns,
    statsPrefix: config.statsPrefix,
    stuckAfterSeconds: 300,
    plainLockTtlSeconds: 86_400,
    retentionHours: RETENTION_HOURS,
    bulkLimit: 10_000,
    scanCount: 1000,
    purgeBatchSize: 50,
    tables: config.tables,
  };
  actions = {
    db,
    redis,
    config: settings,
    stores: createStores({ redis, db }, settings),
    database,
    prefix,
    keyPrefix: `${prefix}idempotency:`,
    statsPrefix: settings.statsPrefix,
    close: async () => undefined,
  };
}, 120_000);

afterAll(async () => {
  await deps?.scanner.stop();
  if (redis) await deleteByPrefix(redis, prefix);
  redis?.destroy();
  await db?.$disconnect();
  await client?.end();
  await database?.drop();
});

const count = async (where: string) => Number((await client.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE ${where}`)).rows[0].n);
const PAST = `message_time <= now() - interval '${RETENTION_HOURS} hours'`;

describe('a library table partitioned by message time', () => {
  it('is detected from pg_partitioned_table as the library profile, partitioned by its time column', async () => {
    const { watched, unfit } = await resolveTables(db, [{ schema: 'part', table: 'processed_messages' }]);
    expect(unfit).toEqual([]);
    expect(watched).toEqual([expect.objectContaining({ name: TABLE, profile: 'library', partitionedBy: 'message_time', timeIndexed: true })]);
  });

  it('is counted across its partitions as one source', async () => {
    const total = await count('TRUE');
    const expired = await count(`${PAST} AND status <> 'processing' AND (expires_at IS NULL OR expires_at <= now())`);
    const { postgres } = await getOverview(deps, { fresh: false });
    expect(postgres.tables).toEqual([
      expect.objectContaining({ table: TABLE, profile: 'library', rows: total, processing: 1, stuck: 0, failed: 0, expired, completed: total - expired - 1, estimated: false }),
    ]);
  });

  it('prunes partitions newer than the retention cut from time-bounded queries (EXPLAIN)', async () => {
    const rules = partitionedRules('message_time', RETENTION_HOURS);
    const clock = rowClock(Date.now(), 300, RETENTION_HOURS);
    const { text, values } = sql`EXPLAIN (FORMAT JSON) SELECT count(*) FROM part.processed_messages WHERE ${rules.expiredPredicate(clock)}`.build();
    const plan = JSON.stringify((await client.query(text, values)).rows[0]['QUERY PLAN']);
    const scanned = new Set([...plan.matchAll(/"Relation Name":"(processed_messages_p\d+)"/g)].map((m) => m[1]));
    const parts = await listPartitions(db, tableRef({ schema: 'part', table: 'processed_messages' }));
    const newer = parts.filter((p) => p.lower!.getTime() > cutMs).map((p) => p.name.split('.')[1]);
    const older = parts.filter((p) => p.lower!.getTime() <= cutMs).map((p) => p.name.split('.')[1]);
    expect(newer.length).toBeGreaterThan(1);
    expect(newer.filter((n) => scanned.has(n))).toEqual([]);
    expect(older.every((n) => scanned.has(n))).toBe(true);
  });

  it('lists rows across partitions, newest message time first, and expired rows oldest first', async () => {
    const all = await listMessages(deps, { limit: 5 });
    expect(all.items).toHaveLength(5);
    const expired = await listMessages(deps, { state: 'expired', limit: 10 });
    expect(expired.items).toHaveLength(10);
    expect(expired.items.every((i) => i.state === 'expired' && i.table === TABLE)).toBe(true);
    const first = await listMessages(deps, { state: 'expired', limit: 10, cursor: expired.nextCursor! });
    expect(first.items.map((i) => i.messageId)).not.toContain(expired.items[0]!.messageId);
  });

  it('draws the expiry timeline from partition bounds, as an estimate', async () => {
    const horizon = 24;
    const expiry = await getExpiry(deps, { store: 'postgres', bucketSeconds: 3600, horizonSeconds: horizon * 3600 });
    expect(expiry.estimated).toBe(true);
    const total = expiry.buckets.reduce((a, b) => a + b.count, 0);
    // Rows whose partition time passes the retention within the horizon: the timeline spreads each partition's rows over its span.
    const expected = await count(`message_time > now() - interval '${RETENTION_HOURS} hours' AND message_time <= now() - interval '${RETENTION_HOURS - horizon} hours'`);
    expect(total).toBeGreaterThan(expected * 0.85);
    expect(total).toBeLessThan(expected * 1.15);
    const clock = rowClock(Date.now(), 300, RETENTION_HOURS);
    const parts = await listPartitions(db, tableRef({ schema: 'part', table: 'processed_messages' }));
    // A partition's rows fall between its bounds plus the retention, never before now.
    const one = boundsExpiry([{ ...parts[0]!, lower: new Date(clock.retentionCut.getTime() + HOUR), upper: new Date(clock.retentionCut.getTime() + 3 * HOUR), rows: 200 }], RETENTION_HOURS, clock, clock.now.getTime(), 3600, 4);
    expect(one.buckets).toEqual([0, 100, 100, 0]);
  });
});

describe('the purge of a partitioned table', () => {
  it('previews which partitions it drops whole and which it purges in batches, with their rows', async () => {
    const preview = await purgeAction(actions, operator, purgeBody.parse({ store: 'postgres', dryRun: true }));
    if (!preview.dryRun) throw new Error('expected a preview');
    const p = preview.preview as PostgresPurgePreview;
    const parts = await listPartitions(db, tableRef({ schema: 'part', table: 'processed_messages' }));
    const past = parts.filter((x) => x.upper!.getTime() <= cutMs);
    const held = new Set((await client.query(`SELECT tableoid::regclass::text AS p FROM ${TABLE} WHERE message_id IN (md5('-360')::uuid, md5('-504')::uuid)`)).rows.map((r) => r.p));
    expect(held.size).toBe(2);
    expect(p.partitions!.drop.map((d) => d.name).sort()).toEqual(past.filter((x) => !held.has(x.name)).map((x) => x.name).sort());
    expect(p.partitions!.batch.map((d) => d.name)).toEqual(expect.arrayContaining([...held]));
    expect(p.wouldPurge).toBe(await count(`${PAST} AND status <> 'processing' AND (expires_at IS NULL OR expires_at <= now())`));
  });

  it('previews for a role that may only read and delete through the table, then refuses the drop with store_privilege, changing nothing', async () => {
    await client.query(`CREATE ROLE part_operator LOGIN`);
    for (const grant of [
      `GRANT USAGE ON SCHEMA part TO part_operator`,
      `GRANT SELECT, DELETE ON ${TABLE} TO part_operator`,
      `GRANT USAGE ON SCHEMA idemscope TO part_operator`,
      `GRANT ALL ON ALL TABLES IN SCHEMA idemscope TO part_operator`,
      `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA idemscope TO part_operator`,
    ]) await client.query(grant);
    const url = new URL(database.url);
    url.username = 'part_operator';
    const limited = createPrismaClient(url.toString(), 2);
    try {
      const before = (await listPartitions(db, tableRef({ schema: 'part', table: 'processed_messages' }))).map((p) => p.name);
      const store = postgresDedupStore(limited, actions.config);
      const preview = (await store.previewPurge({ table: TABLE })) as PostgresPurgePreview;
      expect(preview.partitions!.drop.length).toBeGreaterThan(0);
      const plan = store.planPurge({ reason: 'retention', table: TABLE }, { actor: 'operator#test', jobHooks: {} });
      const refused = await plan.execute(randomUUID()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StorePrivilegeError);
      expect((refused as StorePrivilegeError).status).toBe(403);
      const missing = (refused as StorePrivilegeError).missing;
      expect(missing[0]).toMatch(/^ownership of part\.processed_messages \(/);
      expect(missing.filter((m) => m.startsWith('ownership of part.processed_messages_p'))).toHaveLength(preview.partitions!.drop.length);
      expect((await listPartitions(db, tableRef({ schema: 'part', table: 'processed_messages' }))).map((p) => p.name)).toEqual(before);
      expect((await client.query('SELECT count(*)::int AS n FROM idemscope.purge_jobs')).rows[0].n).toBe(0);
    } finally {
      await limited.$disconnect();
      await client.query(`DROP OWNED BY part_operator; DROP ROLE part_operator`);
    }
  });

  it('drops every partition past retention in one step, then purges the boundary in batches: nothing newer is lost', async () => {
    const newer = await count(`NOT (${PAST})`);
    const kept = await count(`message_id IN (md5('-360')::uuid, md5('-504')::uuid)`);
    const before = await listPartitions(db, tableRef({ schema: 'part', table: 'processed_messages' }));
    const started = await purgeAction(actions, operator, purgeBody.parse({ store: 'postgres', reason: 'retention' }));
    if (started.dryRun) throw new Error('expected a purge');
    const body = started.body as PostgresPurgeStarted;
    await purgeRunSettled(body.jobId);
    const after = await listPartitions(db, tableRef({ schema: 'part', table: 'processed_messages' }));
    const dropped = before.filter((p) => !after.some((a) => a.name === p.name)).map((p) => p.name);
    expect(body.droppedPartitions!.map((p) => p.name).sort()).toEqual(dropped.sort());
    expect(dropped.length).toBeGreaterThan(2);
    const gone = await client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = ANY($1::text[])`, [dropped.map((d) => d.split('.')[1])]);
    expect(gone.rows[0].n).toBe(0);
    expect(await count(`NOT (${PAST})`)).toBe(newer);
    expect(await count(`message_id IN (md5('-360')::uuid, md5('-504')::uuid)`)).toBe(kept);
    expect(await count(`${PAST} AND status <> 'processing' AND (expires_at IS NULL OR expires_at <= now())`)).toBe(0);
    const { rows } = await client.query(`SELECT status, purged::int, batches, partitions FROM idemscope.purge_jobs WHERE id = $1`, [body.jobId]);
    expect(rows[0]).toMatchObject({ status: 'completed', partitions: [expect.any(String)] });
    expect(rows[0].batches).toBeGreaterThan(1);
    const audit = await client.query(`SELECT outcome, targets FROM idemscope.audit_log WHERE action = 'purge.postgres' ORDER BY id`);
    expect(audit.rows.map((r) => r.outcome)).toEqual(['intent', 'started']);
    expect(audit.rows[1].targets).toEqual(expect.arrayContaining(dropped));
  });
});

/**
 * The Postgres part of `npm run bench:scale`: a library table range-
 * partitioned by message time, in daily partitions, loaded with
 * generate_series in SQL (`--rows`, default 10,000,000, over `--days`, default
 * 10). Measures, while consumers keep claiming (idempotent() on the
 * partitioned table, each claim + completion timed):
 *   - GET /api/v1/overview p95 in process (target < 150 ms), with the shared
 *     aggregate cache and without it;
 *   - the purge of one expired day's partition (target < 1 s), against the
 *     raw baseline of a hand-written DETACH … CONCURRENTLY + DROP of the day
 *     before, measured in the same run;
 *   - consumer p99 before and during the purge (target < 50 ms).
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { purgeAction } from '../lib/actions/purge-action';
import { purgeBody } from '../lib/actions/schemas';
import type { PostgresPurgeStarted } from '../lib/contract/actions';
import { parseEnv } from '../lib/config/env';
import { dashboardConfigFromEnv } from '../lib/dashboard/config';
import { createDashboard } from '../lib/dashboard/context';
import { getOverview } from '../lib/dashboard/overview';
import { migrate } from '../lib/db/migrate';
import { createPrismaClient } from '../lib/db/prisma';
import { idempotent, PostgresStore, setupPostgresStore } from '../lib/idempotency';
import { createStores } from '../lib/stores';
import { purgeRunSettled, getPurgeJob } from '../lib/stores/postgres/purge-jobs';
import { storeSettingsFrom } from '../lib/stores/settings';
import { dropDatabase } from './dataset/postgres-rows';
import { benchRedis, closeRedis } from './dataset/redis-client';

const DAY = 86_400_000;
const HOUR = 3_600_000;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const latency = (xs: number[]) =>
  `p50 ${percentile(xs, 0.5).toFixed(1)} ms, p95 ${percentile(xs, 0.95).toFixed(1)} ms, p99 ${percentile(xs, 0.99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;
const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: 'string', default: '10000000' }, days: { type: 'string', default: '10' }, consumers: { type: 'string', default: '4' }, keep: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const rows = Number(values.rows);
  const days = Number(values.days);
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = '/idemscope_bench_scale_pg';
  const url = base.toString();
  console.log(`machine: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${rows.toLocaleString('en')} rows over ${days} daily partitions`);

  await dropDatabase(url);
  const admin = new pg.Client({ connectionString: base.toString().replace('/idemscope_bench_scale_pg', '/postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE idemscope_bench_scale_pg');
  await admin.end();
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 12 });
  const today = Math.floor(Date.now() / DAY) * DAY;
  await setupPostgresStore(pool, { table: 'processed_messages', partitionedBy: 'message_time', partitions: { daysBack: days - 1, daysAhead: 2 } });

  let t = process.hrtime.bigint();
  const perDay = Math.ceil(rows / days);
  for (let d = days - 1; d >= 0; d--) {
    const start = new Date(today - d * DAY);
    // A day's rows evenly over the day, completed, in one statement each.
    await pool.query(
      `INSERT INTO processed_messages (message_id, message_time, consumer, status, processed_at, claimed_at, last_seen_at, result)
       SELECT gen_random_uuid(), t, 'payments', 'completed', t, t, t, '{"ok":true}'::jsonb
       FROM generate_series(0, $2::int - 1) i, LATERAL (SELECT $1::timestamptz + (i * (86400.0 / $2::int)) * interval '1 second' AS t) x
       WHERE t < now()`,
      [start, perDay],
    );
  }
  await pool.query('SELECT pg_stat_force_next_flush()');
  const loaded = Number((await pool.query(`SELECT sum(n_live_tup)::bigint AS n FROM pg_stat_user_tables WHERE relname LIKE 'processed_messages_p%'`)).rows[0].n);
  console.log(`loaded ${loaded.toLocaleString('en')} rows in ${(since(t) / 1000).toFixed(1)} s`);
  await pool.query('VACUUM (ANALYZE) processed_messages');

  // Retention so that exactly the two oldest days are past it: the oldest is dropped by hand (the raw baseline), the next by the dashboard.
  const secondUpper = today - (days - 3) * DAY;
  const retentionHours = Math.floor((Date.now() - secondUpper) / HOUR);
  const env = { DATABASE_URL: url, IDEMSCOPE_RETENTION_HOURS: String(retentionHours), IDEMSCOPE_KEY_PATTERNS: `bench-scale-none-${randomUUID()}:*=plain`, IDEMSCOPE_PURGE_BATCH_SIZE: '10000' };
  const config = dashboardConfigFromEnv(parseEnv(env));
  const settings = { ...storeSettingsFrom(parseEnv(env)), tables: config.tables };
  const db = createPrismaClient(url, 10);
  const redis = await benchRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const deps = createDashboard({ config, redis, db });
  const actions = { db, config: settings, stores: createStores({ redis, db }, settings) };

  // Consumers: each delivery a new message at the current time, claimed and completed through idempotent().
  const claimMs: { at: number; ms: number }[] = [];
  let consuming = true;
  const store = new PostgresStore(pool, { partitionedBy: 'message_time' });
  const handle = idempotent(async (m: { id: string }) => m.id, { store, consumer: 'bench-scale', key: (m) => m.id, messageTime: () => Date.now() });
  const consumers = Array.from({ length: Number(values.consumers) }, async () => {
    while (consuming) {
      const started = process.hrtime.bigint();
      await handle({ id: randomUUID() });
      claimMs.push({ at: Date.now(), ms: since(started) });
      await new Promise((r) => setTimeout(r, 2));
    }
  });
  const window = (from: number, to: number) => claimMs.filter((c) => c.at >= from && c.at <= to).map((c) => c.ms);

  try {
    await new Promise((r) => setTimeout(r, 3000));
    const quietFrom = Date.now();
    const overviewMs: number[] = [];
    for (let i = 0; i < 10; i++) await getOverview(deps, { fresh: false });
    for (let i = 0; i < 200; i++) {
      t = process.hrtime.bigint();
      await getOverview(deps, { fresh: false });
      overviewMs.push(since(t));
    }
    const quiet = window(quietFrom, Date.now());
    const uncached = createDashboard({ config: { ...config, aggregateCacheMs: 0 }, redis, db });
    const missMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      t = process.hrtime.bigint();
      await getOverview(uncached, { fresh: false });
      missMs.push(since(t));
    }
    await uncached.scanner.stop();
    const o = await getOverview(deps, { fresh: false });
    console.log(`overview postgres: ${JSON.stringify(o.postgres.tables)}`);

    // Raw baseline: the oldest day's partition detached and dropped by hand.
    const oldest = `processed_messages_p${new Date(today - (days - 1) * DAY).toISOString().slice(0, 10).replace(/-/g, '')}`;
    const rawFrom = Date.now();
    t = process.hrtime.bigint();
    await pool.query(`ALTER TABLE processed_messages DETACH PARTITION ${oldest} CONCURRENTLY`);
    await pool.query(`DROP TABLE ${oldest}`);
    const rawMs = since(t);
    const rawWindow = window(rawFrom, Date.now());

    // The dashboard's purge: the dry run, then the action (audit, privilege check, detach + drop), then the boundary job.
    const preview = await purgeAction(actions, { principal: { role: 'operator', label: 'operator#bench', via: 'bearer' }, clientAddress: '127.0.0.1' }, purgeBody.parse({ store: 'postgres', dryRun: true }));
    if (preview.dryRun) console.log(`dry run: ${JSON.stringify((preview.preview as { partitions?: unknown }).partitions)}`);
    const purgeFrom = Date.now();
    t = process.hrtime.bigint();
    const started = await purgeAction(actions, { principal: { role: 'operator', label: 'operator#bench', via: 'bearer' }, clientAddress: '127.0.0.1' }, purgeBody.parse({ store: 'postgres', reason: 'bench' }));
    const dropMs = since(t);
    if (started.dryRun) throw new Error('expected a purge');
    const body = started.body as PostgresPurgeStarted;
    await purgeRunSettled(body.jobId);
    const jobMs = since(t) - dropMs;
    const job = await getPurgeJob(db, body.jobId);
    const during = window(purgeFrom, Date.now());

    console.log('\nresults');
    console.log(`  rows loaded: ${loaded.toLocaleString('en')} in ${days} daily partitions`);
    console.log(`  GET /api/v1/overview (in process, shared aggregates): ${latency(overviewMs)} (target p95 < 150 ms)`);
    console.log(`  overview recomputing every Postgres aggregate: ${latency(missMs)}`);
    console.log(`  purge step dropping one day's partition (${body.droppedPartitions?.map((p) => `${p.name} ≈${p.rows.toLocaleString('en')} rows`).join(', ')}): ${dropMs.toFixed(0)} ms for the whole action (audit, checks, drop, job start), of which detach + check + drop ${body.dropMs} ms (target < 1 s)`);
    console.log(`  raw baseline, DETACH CONCURRENTLY + DROP by hand: ${rawMs.toFixed(0)} ms; ratio raw/dashboard ${(rawMs / dropMs).toFixed(2)} (whole action), ${(rawMs / body.dropMs!).toFixed(2)} (its drop)`);
    console.log(`  boundary partition in batches: ${job.purged.toLocaleString('en')} rows, ${job.batches} batches, ${(jobMs / 1000).toFixed(2)} s (${job.status})`);
    console.log(`  consumer claim+complete, no purge: ${latency(quiet)}`);
    console.log(`  consumer during the raw drop: ${latency(rawWindow)}`);
    console.log(`  consumer during the dashboard purge (drop + batches): ${latency(during)} (target p99 < 50 ms)`);
  } finally {
    consuming = false;
    await Promise.all(consumers);
    await deps.scanner.stop();
    await closeRedis(redis);
    await db.$disconnect();
    await pool.end();
    if (!values.keep) await dropDatabase(url);
  }
}

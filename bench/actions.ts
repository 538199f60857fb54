/**
 * Operator actions under production-like load, on a database and Redis
 * prefix of its own:
 *   1. purge: 1,000,000 expired rows deleted by the batched purge job,
 *      against ONE unbatched DELETE of the same rows in the same run
 *      (rows/s ratio, target >= 0.5), while simulator-style consumers keep
 *      processing messages through the library's Postgres store (p99 of a
 *      message, claim to completion, target <= 50 ms). A share of those
 *      messages are replays of expired ones (a consumer-group rebalance), so
 *      consumers and purge contend for the same rows;
 *   2. bulk release of 10,000 stuck Redis keys: preview by SCAN, then the
 *      compare-and-delete confirmation (target < 2 s).
 *
 * The purge contenders alternate over several rounds (each on freshly seeded
 * rows) and the median round is reported, since a shared machine's load
 * moves single runs by a factor of two or more. The benchmark's Redis keys
 * and its database are removed at the end.
 *
 * The purge runs on each table of --tables: `library` (the processor
 * library's processed_messages, written by its consumers through
 * idempotent()) and `recipe` (the seed's three columns, no index on
 * processed_at, written by the recipe's INSERT … ON CONFLICT DO NOTHING).
 * Both contenders delete by the same condition text, the profile's own rule.
 *
 *   npm run bench:actions [-- --rows 1000000 --keys 10000 --batch 10000 --rate 200 --replay 0.1 --rounds 3 --tables library,recipe]
 */
import { parseKeyPatterns } from '../lib/records/key-patterns';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ActionDeps } from '../lib/actions/deps';
import { releaseAction } from '../lib/actions/release-action';
import { parseEnv } from '../lib/config/env';
import { migrate } from '../lib/db/migrate';
import { setupLibraryTables } from '../lib/db/library-setup';
import { createPrismaClient } from '../lib/db/prisma';
import { idempotent, PostgresStore } from '../lib/idempotency';
import { encodeRecord } from '../lib/idempotency/record';
import { createStores } from '../lib/stores';
import { getPurgeJob, purgeRunSettled, startPurgeJob } from '../lib/stores/postgres/purge-jobs';
import { purgeableCondition, recipeRules } from '../lib/stores/postgres/rules';
import { redisAccess } from '../lib/stores/redis/access';
import type { RedisNodeClient as RedisClient } from '../lib/stores/redis/connection';
import { previewStuckKeys } from '../lib/stores/redis/release';
import { storeSettingsFrom, type StoreSettings } from '../lib/stores/settings';
import { unlinkPrefix } from './dataset/cleanup';
import { dropDatabase } from './dataset/postgres-rows';
import { benchRedis, closeRedis } from './dataset/redis-client';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    keys: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '10000' },
    /** Messages per second the simulated consumers process during each delete. */
    rate: { type: 'string', default: '200' },
    consumers: { type: 'string', default: '4' },
    /** Share of the consumers' messages that replay an expired message. */
    replay: { type: 'string', default: '0.1' },
    rounds: { type: 'string', default: '3' },
    tables: { type: 'string', default: 'library,recipe' },
  },
});
const ROWS = Number(args.rows);
const KEYS = Number(args.keys);
const BATCH = Number(args.batch);
const RATE = Number(args.rate);
const CONSUMERS = Number(args.consumers);
const REPLAY = Number(args.replay);
const ROUNDS = Number(args.rounds);
const RETENTION_HOURS = 72;
const TABLES = args.tables!.split(',').map((t) => t.trim());
for (const t of TABLES) if (t !== 'library' && t !== 'recipe') throw new Error(`--tables: "${t}" is not library or recipe`);

const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/idemscope');
const dbUrl = (name: string) => Object.assign(new URL(base), { pathname: `/${name}` }).toString();
const BENCH_URL = dbUrl('idemscope_bench_actions');
/** A Redis database of its own, so other suites' keys do not inflate what the preview has to SCAN. */
const REDIS_URL = (() => {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  url.pathname = '/14';
  return url.toString();
})();
const PREFIX = `bench:actions:${process.pid}:`;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function resetDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS idemscope_bench_actions WITH (FORCE)');
  await admin.end();
  await migrate(BENCH_URL);
  await setupLibraryTables(BENCH_URL);
  const client = new pg.Client({ connectionString: BENCH_URL });
  await client.connect();
  // So that the batched purge's time inside Postgres can be told from its time between statements.
  await client.query(`ALTER DATABASE idemscope_bench_actions SET track_functions = 'pl'`);
  await client.query(`CREATE TABLE recipe_messages (message_id uuid PRIMARY KEY, processed_at timestamptz DEFAULT now(), result jsonb)`);
  await client.end();
}

/** One watched table under the purge: how its expired rows are seeded, its rule, and how its consumers claim a message. */
interface BenchTable {
  name: 'library' | 'recipe';
  table: string;
  /** The profile's purge rule on the database clock, as the dashboard's purge job runs it. */
  condition: string;
  /** The same expired rows before each contender (ROWS of them); returns a sample of their ids for replays. */
  seed(pool: pg.Pool): Promise<void>;
  /** Marks the seeded rows, so that the ones a purge left can be counted. */
  seeded: string;
  /** One message as that table's consumers process it. */
  consumer(pool: pg.Pool): (id: string) => Promise<unknown>;
}

const benchTables: Record<BenchTable['name'], BenchTable> = {
  library: {
    name: 'library',
    table: 'public.processed_messages',
    condition: purgeableCondition(RETENTION_HOURS),
    seeded: `consumer = 'old'`,
    // Half past their own expires_at, half past retention.
    async seed(pool) {
      await pool.query(
        `INSERT INTO processed_messages (message_id, consumer, status, processed_at, expires_at, result)
         SELECT gen_random_uuid(), 'old', 'completed', now() - interval '1 day', now() - interval '1 minute', '{"ok":true}'
         FROM generate_series(1, $1)`,
        [Math.ceil(ROWS / 2)],
      );
      await pool.query(
        `INSERT INTO processed_messages (message_id, consumer, status, processed_at, expires_at, result)
         SELECT gen_random_uuid(), 'old', 'completed', now() - interval '80 hours', NULL, '{"ok":true}'
         FROM generate_series(1, $1)`,
        [Math.floor(ROWS / 2)],
      );
    },
    consumer(pool) {
      const handle = idempotent(async (m: { id: string }) => ({ handled: m.id }), { store: new PostgresStore(pool), consumer: 'bench-sim', key: (m) => m.id });
      return (id) => handle.process({ id });
    },
  },
  recipe: {
    name: 'recipe',
    table: 'public.recipe_messages',
    condition: recipeRules.purgeableCondition(RETENTION_HOURS),
    seeded: `result = '{"ok":true}'::jsonb`,
    async seed(pool) {
      await pool.query(
        `INSERT INTO recipe_messages (message_id, processed_at, result)
         SELECT gen_random_uuid(), now() - interval '80 hours', '{"ok":true}' FROM generate_series(1, $1)`,
        [ROWS],
      );
    },
    consumer(pool) {
      return (id) => pool.query(`INSERT INTO recipe_messages (message_id, result) VALUES ($1, '{"handled":true}') ON CONFLICT (message_id) DO NOTHING`, [id]);
    },
  },
};

/** The table emptied and seeded afresh; a sample of the expired ids, spread over the table, for the consumers to replay. */
async function seedExpired(pool: pg.Pool, t: BenchTable): Promise<string[]> {
  await pool.query(`TRUNCATE ${t.table}`);
  await t.seed(pool);
  await pool.query(`VACUUM ANALYZE ${t.table}`);
  await pool.query(`CHECKPOINT`);
  const { rows } = await pool.query<{ message_id: string }>(`SELECT message_id FROM ${t.table} TABLESAMPLE SYSTEM (1) LIMIT 5000`);
  return rows.map((r) => r.message_id);
}

/** Consumers processing messages at RATE per second in total, REPLAY of them expired ones again; each latency recorded. */
function simulate(pool: pg.Pool, t: BenchTable, replayable: string[]): { stop: () => Promise<number[]> } {
  const handle = t.consumer(pool);
  const latencies: number[] = [];
  let running = true;
  const interval = (1000 * CONSUMERS) / RATE;
  const workers = Array.from({ length: CONSUMERS }, async () => {
    while (running) {
      const started = performance.now();
      const replay = replayable.length > 0 && Math.random() < REPLAY;
      await handle(replay ? replayable[Math.floor(Math.random() * replayable.length)]! : randomUUID());
      const took = performance.now() - started;
      latencies.push(took);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval - took)));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return latencies.sort((a, b) => a - b);
    },
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const latencyLine = (sorted: number[]) =>
  `${fmt(sorted.length)} messages, p50 ${fmt(pct(sorted, 0.5), 1)} ms, p99 ${fmt(pct(sorted, 0.99), 1)} ms, max ${fmt(sorted.at(-1) ?? NaN, 1)} ms`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

interface Contender {
  seconds: number[];
  /** Latencies of the simulated consumers while it ran; empty when run without load. */
  during: number[];
  /** Batched only: seconds spent inside the purge_window function, per run. */
  inside: number[];
}

/**
 * Milliseconds spent inside purge_window so far, as the cumulative statistics
 * have it. A backend that flushed less than a second ago keeps its counts
 * pending until it has been idle for 10 s (PostgreSQL 15's idle interval), so
 * this waits that out first; a shorter wait under-counted a quarter of the calls.
 */
async function purgeWindowMs(pool: pg.Pool): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  await pool.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await pool.query<{ ms: number | null }>(`SELECT sum(total_time)::float8 AS ms FROM pg_stat_user_functions WHERE funcname = 'purge_window'`);
  return rows[0]?.ms ?? 0;
}

/**
 * Both contenders, alone and then beside the simulated consumers. Alone
 * shows what each costs the server; with consumers shows what the gentle
 * one gives up by yielding to them between batches.
 */
async function purgeBench(t: BenchTable): Promise<void> {
  const pool = new pg.Pool({ connectionString: BENCH_URL, max: CONSUMERS + 2 });
  const db = createPrismaClient(BENCH_URL, 2);
  // The app's client is long warm; a cold one spends its first query starting up.
  await db.$queryRaw`SELECT 1`;
  const results: Record<string, Contender> = {};
  const record = (name: string, seconds: number, during: number[]) => {
    results[name] ??= { seconds: [], during: [], inside: [] };
    results[name].seconds.push(seconds);
    results[name].during.push(...during);
  };
  let statements = 0;
  let skippedUnderLock = 0;

  const unbatched = async (withLoad: boolean) => {
    const replayable = await seedExpired(pool, t);
    const load = withLoad ? simulate(pool, t, replayable) : null;
    const started = performance.now();
    const { rowCount } = await pool.query(`DELETE FROM ${t.table} WHERE ${t.condition}`);
    record(`unbatched${withLoad ? '+load' : ''}`, (performance.now() - started) / 1000, (await load?.stop()) ?? []);
    if (rowCount !== ROWS) throw new Error(`the unbatched DELETE removed ${rowCount} rows, expected ${ROWS}`);
  };
  const batched = async (withLoad: boolean) => {
    const replayable = await seedExpired(pool, t);
    const insideBefore = await purgeWindowMs(pool);
    const load = withLoad ? simulate(pool, t, replayable) : null;
    const started = performance.now();
    const job = await startPurgeJob(db, { actor: 'bench', batchSize: BATCH, target: { table: t.table, condition: t.condition }, estimatedTotal: ROWS, estimated: false });
    await purgeRunSettled(job.jobId);
    record(`batched${withLoad ? '+load' : ''}`, (performance.now() - started) / 1000, (await load?.stop()) ?? []);
    const done = await getPurgeJob(db, job.jobId);
    // Rows a consumer held when their batch came are skipped, left for the next purge.
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.table} WHERE ${t.seeded}`);
    if (done.status !== 'completed' || done.purged + rows[0]!.n !== ROWS) {
      throw new Error(`purge ended ${done.status} after ${done.purged} rows, ${rows[0]!.n} left: ${done.error}`);
    }
    skippedUnderLock += rows[0]!.n;
    results[`batched${withLoad ? '+load' : ''}`]!.inside.push(((await purgeWindowMs(pool)) - insideBefore) / 1000);
    statements = done.batches;
  };

  try {
    const idleLoad = simulate(pool, t, await seedExpired(pool, t));
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const idle = await idleLoad.stop();

    for (let round = 1; round <= ROUNDS; round++) {
      for (const withLoad of [false, true]) {
        // Alternating which goes first keeps drift within a round from favouring either.
        if (round % 2) {
          await unbatched(withLoad);
          await batched(withLoad);
        } else {
          await batched(withLoad);
          await unbatched(withLoad);
        }
      }
      const last = (name: string) => fmt(results[name]!.seconds.at(-1)!, 2);
      console.log(`  round ${round}: alone ${last('unbatched')} s vs ${last('batched')} s; beside consumers ${last('unbatched+load')} s vs ${last('batched+load')} s`);
    }

    const rate = (name: string) => ROWS / median(results[name]!.seconds);
    console.log(`\n${t.name} table ${t.table}: purge of ${fmt(ROWS)} expired rows (batches of ${fmt(BATCH)}, ${fmt(statements)} statements), median of ${ROUNDS} rounds`);
    for (const suffix of ['', '+load']) {
      const label = suffix ? `beside ${CONSUMERS} consumers at ${RATE} msg/s, ${fmt(REPLAY * 100)} % of them replays of expired messages` : 'alone';
      console.log(`  ${label}:`);
      console.log(`    one unbatched DELETE  ${fmt(median(results[`unbatched${suffix}`]!.seconds), 2)} s  ${fmt(rate(`unbatched${suffix}`))} rows/s`);
      console.log(`    batched purge job     ${fmt(median(results[`batched${suffix}`]!.seconds), 2)} s  ${fmt(rate(`batched${suffix}`))} rows/s`);
      console.log(`      of which inside purge_window (per run): ${results[`batched${suffix}`]!.inside.map((x) => `${fmt(x, 2)} s`).join(', ')}; the rest is round trips and waiting for a core`);
      console.log(`    ratio                 ${fmt(rate(`batched${suffix}`) / rate(`unbatched${suffix}`), 2)}  (target >= 0.50)`);
    }
    console.log(`  consumers, no delete running:          ${latencyLine(idle)}`);
    console.log(`  consumers during the unbatched DELETE: ${latencyLine(sorted(results['unbatched+load']!.during))}`);
    console.log(`  consumers during the batched purge:    ${latencyLine(sorted(results['batched+load']!.during))}  (target p99 <= 50 ms)`);
    console.log(`  expired rows a consumer held, skipped by the purge and left for the next one: ${fmt(skippedUnderLock)} over ${ROUNDS} rounds`);
  } finally {
    await db.$disconnect();
    await pool.end();
  }
}

async function releaseBench(): Promise<void> {
  let redis: RedisClient | undefined;
  const db = createPrismaClient(BENCH_URL, 2);
  const config: StoreSettings = {
    ...storeSettingsFrom(parseEnv({})),
    keyPatterns: parseKeyPatterns([`${PREFIX}idempotency:*=plain`]),
    statsPrefix: `${PREFIX}stats:`,
    bulkLimit: Math.max(KEYS, 10_000),
  };
  try {
    redis = await benchRedis(REDIS_URL);
    const now = Date.now();
    for (let i = 0; i < KEYS; i += 1000) {
      const batch = redis.multi();
      for (let j = i; j < Math.min(KEYS, i + 1000); j++) {
        const key = `${PREFIX}idempotency:order-${j}`;
        if (j % 2) batch.set(key, 'processing', { EX: 86_400 - 7200 });
        else {
          const startedAt = now - 7_200_000;
          batch.set(key, encodeRecord({ fmt: 'idemscope', v: 1, status: 'processing', owner: randomUUID(), consumer: 'orders', startedAt, leaseExpiresAt: startedAt + 30_000 }), { PX: 3_600_000 });
        }
      }
      await batch.execAsPipeline();
    }
    const actor = { principal: { role: 'operator' as const, label: 'operator#bench000', via: 'bearer' as const }, clientAddress: '127.0.0.1' };
    const deps: ActionDeps = { db, stores: createStores({ redis, db }, config), config };

    let started = performance.now();
    // The preview as the dashboard's store runs it: through the guarded reader, in bounded SCAN steps.
    const preview = await previewStuckKeys(redisAccess(redis, config), 3600);
    const previewSeconds = (performance.now() - started) / 1000;
    if (preview.count !== KEYS) throw new Error(`the preview found ${preview.count} stuck keys, expected ${KEYS}`);

    started = performance.now();
    const outcome = await releaseAction(deps, 'redis', actor, {
      keys: preview.wouldRelease.map(({ key, seen }) => ({ key, seen })),
      reason: 'bench',
      dryRun: false,
    });
    const releaseSeconds = (performance.now() - started) / 1000;
    if (outcome.dryRun || outcome.body.released.length !== KEYS) throw new Error('the release did not release every key');

    console.log(`\nbulk release of ${fmt(KEYS)} stuck Redis keys`);
    console.log(`  preview (bounded SCAN of ${fmt(preview.examined)} keys + state of each)   ${fmt(previewSeconds, 2)} s`);
    console.log(`  confirm (dedup claim, compare-and-delete, audit)   ${fmt(releaseSeconds, 2)} s  (target < 2 s)`);
    console.log(`  preview + confirm   ${fmt(previewSeconds + releaseSeconds, 2)} s`);
  } finally {
    if (redis) {
      const removed = await unlinkPrefix(redis, PREFIX);
      console.log(`  removed ${fmt(removed)} bench keys under ${PREFIX}`);
      await closeRedis(redis);
    }
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
  await resetDatabase();
  try {
    for (const name of TABLES) {
      console.log(`\n${name} table: ${ROUNDS} rounds`);
      await purgeBench(benchTables[name as BenchTable['name']]);
    }
    await releaseBench();
  } finally {
    await dropDatabase(BENCH_URL);
    console.log(`\ndropped the bench database idemscope_bench_actions`);
  }
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

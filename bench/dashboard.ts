/**
 * Read-side benchmark: builds 1,000,000 Redis dedup keys and 10,000,000
 * processed_messages rows (beside a 250,000-row recipe table and a
 * 100,000-row Stripe-like idempotency_keys table: the overview watches all
 * three), then measures what the dashboard promises:
 *   - GET /api/v1/overview p50/p95 once a snapshot exists (target p95 <= 150 ms),
 *   - the scanner's full-pass keys/s against the best of two raw node-redis
 *     loops, SCAN + MULTI-free pipelined PTTL/GETRANGE per batch (target >= 0.7),
 *   - exact lookup p95 (target <= 20 ms),
 *   - the dashboard process's peak memory.
 * HTTP figures come from a real `next start` of a production build (pass its
 * directory with --app-dir; see the README section printed with --help);
 * without one they come from the services called in-process, and say so.
 * The bench keys are removed at the end, and so is the Postgres database
 * unless --keep-postgres is given (for a later --reuse-postgres).
 *
 *   npm run bench:dashboard -- [--keys N] [--rows N] [--reuse-postgres] [--keep-postgres] [--app-dir DIR] [--requests N]
 */
import { scannerOptionsFrom } from '../lib/dashboard/scanner-options';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { RESP_TYPES } from 'redis';
import { parseEnv } from '../lib/config/env';
import { dashboardConfigFromEnv } from '../lib/dashboard/config';
import { createDashboard } from '../lib/dashboard/context';
import { lookup } from '../lib/dashboard/lookup';
import { getOverview } from '../lib/dashboard/overview';
import { createPrismaClient } from '../lib/db/prisma';
import { KeyspaceScanner } from '../lib/scanner/scanner';
import { guardedReader } from '../lib/stores/redis/access';
import type { RedisNodeClient as RedisClient } from '../lib/stores/redis/connection';
import { loadBullmqDataset } from './dataset/bullmq-keys';
import { unlinkPrefix } from './dataset/cleanup';
import { dropDatabase, loadPostgresDataset, type PostgresDataset } from './dataset/postgres-rows';
import { peakRss, processTree } from './dataset/process-memory';
import { benchRedis, closeRedis } from './dataset/redis-client';
import { EXTRA_TABLES, loadMoreTables } from './dataset/more-tables';
import { loadRedisDataset } from './dataset/redis-keys';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    rows: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '7' },
    'reuse-postgres': { type: 'boolean', default: false },
    'keep-postgres': { type: 'boolean', default: false },
    'app-dir': { type: 'string' },
    requests: { type: 'string', default: '300' },
    port: { type: 'string', default: '3917' },
    'bullmq-keys': { type: 'string', default: '200000' },
    'bullmq-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`Build a copy of the app to serve it (the shared .next must not be used):
  rsync -a --exclude node_modules --exclude .next --exclude .git ./ /tmp/dash-build/
  cp -a node_modules /tmp/dash-build/   # Turbopack does not follow a symlinked node_modules
  (cd /tmp/dash-build && NEXT_TELEMETRY_DISABLED=1 npx next build)
  npm run bench:dashboard -- --app-dir /tmp/dash-build`);
  process.exit(0);
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/idemscope_bench_dashboard';
const PREFIX = 'bench:dash:';
const KEYS = Number(args.keys);
const ROWS = Number(args.rows);
const DAYS = Number(args.days);
const REQUESTS = Number(args.requests);
const log = (line: string) => console.log(line);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function latency(samples: number[]): string {
  return `p50 ${percentile(samples, 0.5).toFixed(1)} ms, p95 ${percentile(samples, 0.95).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms (n=${samples.length})`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

type RawLoop = 'auto-pipelined' | 'execAsPipeline' | 'sendCommand';
const RAW_LOOPS: readonly RawLoop[] = ['auto-pipelined', 'execAsPipeline', 'sendCommand'];
const AS_BUFFER = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

/**
 * What a bare node-redis client does to read the same keys: SCAN with the
 * same COUNT, then one MULTI-free pipelined PTTL + GETRANGE round trip per
 * batch, values as Buffers, nothing decoded. Three ways to pipeline:
 *   - auto-pipelined: client.pTTL / getRange, every command issued in the
 *     same tick goes out in one write; the replies are awaited with
 *     allSettled (a hash under the pattern answers GETRANGE with WRONGTYPE);
 *   - execAsPipeline: one multi() per batch sent without MULTI/EXEC. Its
 *     promise rejects as a whole when any reply is an error (a batch holding
 *     a hash); the replies are still all read off the socket, so the time is
 *     the same, but such a batch's values are lost, which makes this loop a
 *     slightly generous baseline rather than a usable reader;
 *   - sendCommand: auto-pipelined too, without the typed helpers' wrappers.
 *     The keyspace reader issues its commands this way, so the baseline must
 *     have it as well or the ratio would flatter the reader.
 * The ratio is taken against the fastest of the three in the same run.
 */
async function rawPass(client: RedisClient, loop: RawLoop, patterns: string[], count: number, headBytes: number): Promise<number> {
  const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  let keys = 0;
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const reply = await client.scan(cursor, { MATCH: pattern, COUNT: count });
      cursor = reply.cursor;
      const batch = reply.keys;
      if (batch.length === 0) continue;
      if (loop === 'auto-pipelined') {
        const replies: Promise<unknown>[] = [];
        for (const key of batch) replies.push(client.pTTL(key), binary.getRange(key, 0, headBytes));
        await Promise.allSettled(replies);
      } else if (loop === 'sendCommand') {
        const end = String(headBytes);
        const replies: Promise<unknown>[] = [];
        for (const key of batch) replies.push(client.sendCommand(['PTTL', key]), client.sendCommand(['GETRANGE', key, '0', end], AS_BUFFER));
        await Promise.allSettled(replies);
      } else {
        const pipeline = binary.multi();
        for (const key of batch) pipeline.pTTL(key).getRange(key, 0, headBytes);
        await pipeline.execAsPipeline().catch((error: unknown) => {
          if (!(error instanceof Error && error.message.startsWith('WRONGTYPE'))) throw error;
        });
      }
      keys += batch.length;
    } while (cursor !== '0');
  }
  return keys;
}

/** BullMQ's follow-up reads of one dedup key holding `jobId`, as a bare client would send them. */
function bullmqFollow(key: string, jobId: string): string[][] {
  const base = key.slice(0, key.indexOf(':de:') + 1);
  const job = base + jobId;
  return [
    ['EXISTS', job],
    ['HMGET', job, 'timestamp', 'processedOn', 'finishedOn', 'failedReason', 'atm'],
    ['PTTL', `${job}:lock`],
    ['LPOS', `${base}active`, jobId, 'MAXLEN', '10000'],
    ['ZSCORE', `${base}failed`, jobId],
    ['ZSCORE', `${base}delayed`, jobId],
    ['ZSCORE', `${base}prioritized`, jobId],
    ['ZSCORE', `${base}waiting-children`, jobId],
  ];
}

/**
 * The raw baseline for BullMQ dedup keys: the same SCAN and pipelined PTTL +
 * GETRANGE as rawPass's sendCommand loop, then one more pipelined round trip
 * of the same pointer reads the scanner sends, nothing decoded.
 */
async function rawBullmqPass(client: RedisClient, pattern: string, count: number, headBytes: number): Promise<number> {
  let keys = 0;
  const end = String(headBytes);
  let cursor = '0';
  do {
    const reply = await client.scan(cursor, { MATCH: pattern, COUNT: count });
    cursor = reply.cursor;
    const batch = reply.keys;
    if (batch.length === 0) continue;
    const replies: Promise<unknown>[] = [];
    for (const key of batch) replies.push(client.sendCommand(['PTTL', key]), client.sendCommand(['GETRANGE', key, '0', end], AS_BUFFER));
    const values = await Promise.all(replies);
    const follow: Promise<unknown>[] = [];
    batch.forEach((key, i) => {
      const head = values[2 * i + 1] as Buffer | null;
      if (head) for (const command of bullmqFollow(key, head.toString('utf8'))) follow.push(client.sendCommand(command));
    });
    await Promise.all(follow);
    keys += batch.length;
  } while (cursor !== '0');
  return keys;
}

/** The scanner over BullMQ dedup keys against rawBullmqPass, interleaved; target: within 0.5 of the baseline. */
async function bullmqBench(admin: RedisClient, results: string[]): Promise<void> {
  const keys = Number(args['bullmq-keys']);
  if (!(keys > 0)) return;
  const prefix = `${PREFIX}bq:`;
  log(`\nBullMQ: clearing ${prefix}* from any earlier run, then loading ${keys.toLocaleString('en')} dedup keys with their jobs`);
  await unlinkPrefix(admin, prefix);
  const load = await timed(() => loadBullmqDataset({ url: REDIS_URL, prefix, keys, nowMs: Date.now() }));
  const dataset = load.value;
  log(`  ${seconds(load.ms)}: ${JSON.stringify(dataset.byState)}`);
  const config = dashboardConfigFromEnv(parseEnv({ IDEMSCOPE_KEY_PATTERNS: dataset.entry, IDEMSCOPE_STATS_PREFIX: `${prefix}stats:` }));
  const client = await benchRedis(REDIS_URL);
  try {
    const scanner = new SnapshotOnlyScanner(guardedReader(client), { ...scannerOptionsFrom(config), intervalMs: 3_600_000 });
    const raw: number[] = [];
    const scans: number[] = [];
    let snapshot: Awaited<ReturnType<KeyspaceScanner['runPass']>> | null = null;
    for (let round = 0; round < 2; round++) {
      raw.push((await timed(() => rawBullmqPass(client, dataset.pattern, config.scanCount, config.headBytes))).ms);
      const pass = await timed(() => scanner.runPass());
      scans.push(pass.ms);
      snapshot = pass.value;
    }
    const s = snapshot!;
    for (const state of ['processing', 'stuck', 'completed', 'failed'] as const) {
      if (s.byState[state] !== dataset.byState[state]) throw new Error(`the scanner counted ${s.byState[state]} ${state}, the dataset has ${dataset.byState[state]}`);
    }
    const rate = (ms: number[]) => (keys * ms.length) / (ms.reduce((a, b) => a + b, 0) / 1000);
    const ratio = rate(scans) / rate(raw);
    log(`  raw (SCAN, PTTL + GETRANGE, then the job reads): ${raw.map(seconds).join(' and ')} -> ${Math.round(rate(raw)).toLocaleString('en')} keys/s`);
    log(`  scanner: ${scans.map(seconds).join(' and ')} -> ${Math.round(rate(scans)).toLocaleString('en')} keys/s; snapshot ${JSON.stringify(s.byState)}`);
    log(`  ratio: ${ratio.toFixed(2)} (target >= 0.5)`);
    results.push(`scanner over ${keys.toLocaleString('en')} BullMQ dedup keys: ${Math.round(rate(scans)).toLocaleString('en')} keys/s, raw baseline following the same pointers ${Math.round(rate(raw)).toLocaleString('en')} keys/s, ratio ${ratio.toFixed(2)} (target >= 0.5)`);
  } finally {
    await closeRedis(client);
    await unlinkPrefix(admin, prefix);
  }
}

async function reusablePostgres(): Promise<PostgresDataset | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
  } catch {
    return null;
  }
  try {
    const { rows } = await client.query<{ n: number; newest: Date | null }>(
      `SELECT reltuples::float8 AS n, (SELECT max(processed_at) FROM processed_messages) AS newest FROM pg_class WHERE oid = 'processed_messages'::regclass`,
    );
    const row = rows[0];
    // Rows are spread relative to generation time; an old dataset would be all expired.
    if (!row?.newest || Math.abs(row.n - ROWS) > ROWS * 0.02 || Date.now() - row.newest.getTime() > 3_600_000) return null;
    const { rows: samples } = await client.query<{ id: string }>(
      `SELECT message_id::text AS id FROM processed_messages TABLESAMPLE SYSTEM (0.05) REPEATABLE (1) LIMIT 200`,
    );
    return { rows: ROWS, generatedAtMs: row.newest.getTime(), samples: samples.map((r) => r.id) };
  } catch {
    return null;
  } finally {
    await client.end();
  }
}

interface Target {
  overview(fresh: boolean): Promise<unknown>;
  get(pathAndQuery: string): Promise<unknown>;
  lookup(q: string): Promise<unknown>;
  memory(): { peak: number | null; detail: string };
  close(): Promise<void>;
  label: string;
}

async function serverTarget(appDir: string, env: Record<string, string>): Promise<Target> {
  const port = Number(args.port);
  const child: ChildProcess = spawn(process.execPath, [path.join(appDir, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)], {
    cwd: appDir,
    env: { ...process.env, ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const getJson = async (p: string) => {
    const response = await fetch(base + p);
    const body = await response.text();
    if (!response.ok) throw new Error(`${p}: ${response.status} ${body.slice(0, 300)}`);
    return JSON.parse(body) as unknown;
  };
  for (let i = 0; ; i++) {
    try {
      await getJson('/api/v1/health');
      break;
    } catch (error) {
      if (i > 120 || child.exitCode !== null) throw new Error(`next start did not come up: ${String(error)}\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return {
    label: `HTTP, next start (production build in ${appDir}), pid ${child.pid}`,
    overview: (fresh) => getJson(`/api/v1/overview${fresh ? '?fresh=1' : ''}`),
    get: getJson,
    lookup: (q) => getJson(`/api/v1/lookup?q=${encodeURIComponent(q)}`),
    memory: () => {
      const tree = processTree(child.pid!);
      const peaks = tree.map((pid) => ({ pid, peak: peakRss(pid) }));
      const largest = Math.max(...peaks.map((p) => p.peak ?? 0));
      return { peak: largest || null, detail: peaks.map((p) => `pid ${p.pid}: ${mb(p.peak)}`).join(', ') };
    },
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
    },
  };
}

async function inProcessTarget(env: Record<string, string>, scanner?: KeyspaceScanner): Promise<Target> {
  const config = dashboardConfigFromEnv(parseEnv(env));
  // Two connections, as the app has: the scanner's pipelines never hold up an API command.
  const redis = await benchRedis(REDIS_URL);
  const scannerRedis = await benchRedis(REDIS_URL);
  const prisma = createPrismaClient(DATABASE_URL);
  const deps = { ...createDashboard({ config, redis, scannerRedis, db: prisma }), ...(scanner ? { scanner } : {}) };
  deps.scanner.start();
  return {
    label: 'in-process service calls (no --app-dir given)',
    overview: (fresh) => getOverview(deps, { fresh }),
    get: async () => undefined,
    lookup: (q) => lookup(deps, q),
    memory: () => ({ peak: peakRss(process.pid), detail: 'this process, which also generated the dataset' }),
    close: async () => {
      await deps.scanner.stop();
      await Promise.all([closeRedis(redis), closeRedis(scannerRedis)]);
      await prisma.$disconnect();
    },
  };
}

/** A scanner that keeps the snapshot of a pass run by hand and never scans on its own. */
class SnapshotOnlyScanner extends KeyspaceScanner {
  override start(): void {}
}

async function main(): Promise<void> {
  const admin = await benchRedis(REDIS_URL);
  const nowMs = Date.now();
  const results: string[] = [];
  let scanClient: RedisClient | undefined;
  try {
    await bullmqBench(admin, results);
    if (args['bullmq-only']) {
      log(`\n${results.join('\n')}`);
      return;
    }
    let pgData = args['reuse-postgres'] ? await reusablePostgres() : null;
    if (pgData) log(`Postgres: reusing ${ROWS.toLocaleString('en')} rows generated ${seconds(Date.now() - pgData.generatedAtMs)} ago`);
    else {
      log(`Postgres: generating ${ROWS.toLocaleString('en')} rows over ${DAYS} days in ${new URL(DATABASE_URL).pathname.slice(1)}`);
      const pgLoad = await timed(() => loadPostgresDataset({ url: DATABASE_URL, rows: ROWS, days: DAYS, nowMs, log }));
      pgData = pgLoad.value;
      log(`  ${seconds(pgLoad.ms)}`);
    }
    const rowSamples = pgData.samples;
    await loadMoreTables(DATABASE_URL, { recipe: 250_000, stripe: 100_000 });

    // Loaded last, right before measuring, so that in-flight records have the ages the generator gave them.
    log(`Redis: clearing ${PREFIX}* from any earlier run, then loading ${KEYS.toLocaleString('en')} keys`);
    await unlinkPrefix(admin, PREFIX);
    const redisLoad = await timed(() => loadRedisDataset({ url: REDIS_URL, prefix: PREFIX, keys: KEYS, nowMs }));
    const dataset = redisLoad.value;
    log(`  ${seconds(redisLoad.ms)}: ${JSON.stringify(dataset.byFormat)}, in flight ${dataset.inFlight}, no TTL ${dataset.noExpiry}, large ${dataset.large}`);


    const env: Record<string, string> = {
      DATABASE_URL,
      REDIS_URL,
      IDEMSCOPE_KEY_PATTERNS: dataset.patterns.join(','),
      IDEMSCOPE_STATS_PREFIX: dataset.statsPrefix,
      IDEMSCOPE_AUTH_DISABLED: '1',
      IDEMSCOPE_FRESH_TIMEOUT_SECONDS: '600',
      IDEMSCOPE_TABLES: ['public.processed_messages', ...EXTRA_TABLES].join(','),
    };
    const config = dashboardConfigFromEnv(parseEnv(env));

    log(`\nScanner against raw loops (SCAN COUNT ${config.scanCount}, pipelined PTTL + GETRANGE 0..${config.headBytes}, ${config.keyPatterns.length} patterns)`);
    const client = (scanClient = await benchRedis(REDIS_URL));
    const raw = new Map<RawLoop, { keys: number; ms: number[] }>(RAW_LOOPS.map((loop) => [loop, { keys: 0, ms: [] }]));
    const rawRound = async (order: readonly RawLoop[]) => {
      for (const loop of order) {
        const run = await timed(() => rawPass(client, loop, config.keyPatterns.map((p) => p.pattern), config.scanCount, config.headBytes));
        raw.get(loop)!.keys += run.value;
        raw.get(loop)!.ms.push(run.ms);
      }
    };
    // The reader the app's scanner uses: each SCAN and peek under the guard (readiness, deadline).
    const scanner = new SnapshotOnlyScanner(guardedReader(client), { ...scannerOptionsFrom(config), intervalMs: 3_600_000 });
    // Interleaved (raw, scanner, raw in the other order, scanner) so that drift on a shared machine favours neither.
    const passes: { ms: number; keys: number }[] = [];
    const scanRound = async () => {
      const pass = await timed(() => scanner.runPass());
      passes.push({ ms: pass.ms, keys: pass.value.keysExamined });
      return pass.value;
    };
    await rawRound(RAW_LOOPS);
    const snap = await scanRound();
    await rawRound([...RAW_LOOPS].reverse());
    await scanRound();
    const rates = RAW_LOOPS.map((loop) => {
      const r = raw.get(loop)!;
      const rate = r.keys / (r.ms.reduce((a, b) => a + b, 0) / 1000);
      log(`  raw ${loop}: ${(r.keys / r.ms.length).toLocaleString('en')} keys in ${r.ms.map(seconds).join(' and ')} -> ${Math.round(rate).toLocaleString('en')} keys/s`);
      return { loop, rate };
    });
    const best = rates.reduce((a, b) => (b.rate > a.rate ? b : a));
    const scanRate = passes.reduce((a, p) => a + p.keys, 0) / (passes.reduce((a, p) => a + p.ms, 0) / 1000);
    log(`  scanner (step pause ${config.scanStepPauseMs} ms): ${snap.keysExamined.toLocaleString('en')} keys in ${passes.map((p) => seconds(p.ms)).join(' and ')} -> ${Math.round(scanRate).toLocaleString('en')} keys/s`);
    log(`  snapshot: ${snap.keys} records ${JSON.stringify(snap.byState)} no TTL ${snap.noExpiry}, truncated ${snap.truncated}`);
    if (snap.keys !== KEYS) throw new Error(`the snapshot counted ${snap.keys} records, the dataset has ${KEYS}`);
    const ratio = scanRate / best.rate;
    log(`  ratio to the best raw loop (${best.loop}): ${ratio.toFixed(2)} (target >= 0.7)`);
    results.push(
      `scanner full pass: ${Math.round(scanRate).toLocaleString('en')} keys/s, best raw baseline (${best.loop}) ${Math.round(best.rate).toLocaleString('en')} keys/s, ratio ${ratio.toFixed(2)} (target >= 0.7); ` +
        rates.map((r) => `${r.loop} ${Math.round(r.rate).toLocaleString('en')} keys/s`).join(', '),
    );

    const appDir = args['app-dir'];
    if (appDir && !existsSync(path.join(appDir, '.next', 'BUILD_ID'))) throw new Error(`${appDir} has no production build (.next/BUILD_ID)`);
    const target = appDir ? await serverTarget(appDir, env) : await inProcessTarget(env);
    log(`\nDashboard: ${target.label}`);
    try {
      const first = await timed(async () => {
        // The server's scanner started with the first request; wait for its first complete pass.
        for (;;) {
          const o = (await target.overview(false)) as { redis: { snapshot: { status: string } } };
          if (o.redis.snapshot.status === 'complete') return o;
          await new Promise((r) => setTimeout(r, 1000));
        }
      });
      log(`  first snapshot ready after ${seconds(first.ms)}`);
      const fresh = await timed(() => target.overview(true));
      log(`  overview?fresh=1 (waits for a pass that starts after it): ${seconds(fresh.ms)}`);
      const overview = fresh.value as { redis: Record<string, unknown>; postgres: Record<string, unknown> };
      log(`  redis: ${JSON.stringify({ keys: overview.redis.keys, processing: overview.redis.processing, stuck: overview.redis.stuck, completed: overview.redis.completed, expired: overview.redis.expired, noExpiry: overview.redis.noExpiry, unrecognized: overview.redis.unrecognized })}`);
      log(`  postgres: ${JSON.stringify(overview.postgres)}`);

      for (let i = 0; i < 20; i++) await target.overview(false);
      const overviewMs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) overviewMs.push((await timed(() => target.overview(false))).ms);
      log(`  GET /api/v1/overview: ${latency(overviewMs)}`);
      results.push(`GET /api/v1/overview: ${latency(overviewMs)} (target p95 <= 150 ms)`);

      const keyMs: number[] = [];
      const rowMs: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        keyMs.push((await timed(() => target.lookup(dataset.samples[i % dataset.samples.length]!))).ms);
        rowMs.push((await timed(() => target.lookup(rowSamples[i % rowSamples.length]!))).ms);
      }
      const all = [...keyMs, ...rowMs];
      log(`  lookup of a Redis key: ${latency(keyMs)}`);
      log(`  lookup of a message id: ${latency(rowMs)}`);
      results.push(`exact lookup (GET /api/v1/lookup): ${latency(all)} (target p95 <= 20 ms)`);

      if (appDir) {
        for (const p of [
          '/api/v1/keys?state=stuck&limit=50',
          '/api/v1/messages?state=stuck&limit=50',
          '/api/v1/messages?state=completed&limit=50',
          '/api/v1/expiry?store=redis',
          '/api/v1/expiry?store=postgres',
          `/api/v1/stats/duplicates?from=${new Date(Date.now() - 86_400_000).toISOString()}&bucket=hour&groupBy=consumer`,
          '/api/metrics',
        ]) {
          const ms: number[] = [];
          for (let i = 0; i < 30; i++) {
            const started = performance.now();
            const response = await fetch(`http://127.0.0.1:${args.port}${p}`);
            await response.text();
            if (!response.ok) throw new Error(`${p}: ${response.status}`);
            ms.push(performance.now() - started);
          }
          log(`  GET ${p.split('?')[0]}${p.includes('?') ? '?' + p.split('?')[1]!.slice(0, 40) : ''}: ${latency(ms)}`);
        }
      }
      // What a request costs when it is the one that recomputes the shared aggregates (every few seconds).
      const uncached = await inProcessTarget({ ...env, IDEMSCOPE_AGGREGATE_CACHE_SECONDS: '0' }, scanner);
      try {
        const missMs: number[] = [];
        for (let i = 0; i < 5; i++) await uncached.overview(false);
        for (let i = 0; i < 100; i++) missMs.push((await timed(() => uncached.overview(false))).ms);
        log(`  overview computed without shared aggregates (in-process, every Postgres count and window recomputed): ${latency(missMs)}`);
        results.push(`overview when it recomputes the shared Postgres aggregates (in-process): ${latency(missMs)}`);
      } finally {
        await uncached.close();
      }
      const memory = target.memory();
      log(`  peak memory (VmHWM): ${mb(memory.peak)} (${memory.detail})`);
      results.push(`dashboard process peak memory: ${mb(memory.peak)} (${memory.detail})`);
    } finally {
      await target.close();
    }
  } finally {
    await closeRedis(scanClient);
    const removed = await timed(() => unlinkPrefix(admin, PREFIX));
    log(`\nRedis: removed ${removed.value.toLocaleString('en')} bench keys (${seconds(removed.ms)})`);
    await closeRedis(admin);
    const database = new URL(DATABASE_URL).pathname.slice(1);
    if (args['keep-postgres']) log(`Postgres: ${database} kept for --reuse-postgres`);
    else if (await dropDatabase(DATABASE_URL)) log(`Postgres: dropped ${database} (--keep-postgres keeps it for --reuse-postgres)`);
    else log(`Postgres: ${database} kept (only idemscope_bench_* databases are dropped)`);
  }
  log(`\nResults\n${results.map((r) => `  - ${r}`).join('\n')}`);
}

await main();

/**
 * bench:scale, Redis Cluster part: the read side over a 3-master cluster
 * (scripts/redis-cluster.sh, or REDIS_CLUSTER_URLS) holding N dedup keys
 * written as the processor library writes them there (16 slot groups), and:
 *   - the scanner's full-pass keys/s (all masters in parallel, default
 *     IDEMSCOPE_SCAN_COUNT and step pause) against a raw per-master baseline
 *     in the same run: on every master at once, SCAN with the same COUNT and
 *     one pipelined PTTL + GETRANGE round trip per batch, nothing decoded
 *     (target ratio >= 0.6);
 *   - the overview's p50/p95 from a snapshot (in-process service calls;
 *     target p95 < 150 ms);
 *   - this process's memory (heap after GC and RSS) after a pass over a tenth
 *     of the keys and after a pass over all of them: it must not grow with
 *     the keyspace.
 * Keys are generated inside Redis by a script per slot group (loading 10 M
 * keys through the network would dominate the run) and removed at the end.
 *
 *   npm run bench:scale -- [--keys N] [--requests N] [--passes N] [--keep]
 */
import { scannerOptionsFrom } from '../lib/dashboard/scanner-options';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RESP_TYPES } from 'redis';
import { parseEnv } from '../lib/config/env';
import { dashboardConfigFromEnv } from '../lib/dashboard/config';
import { createDashboard } from '../lib/dashboard/context';
import { getOverview } from '../lib/dashboard/overview';
import { createPrismaClient } from '../lib/db/prisma';
import { LuaScript } from '../lib/idempotency';
import { clusterTags } from '../lib/idempotency/stores/redis-layout';
import { KeyspaceScanner } from '../lib/scanner/scanner';
import { guardedReader } from '../lib/stores/redis/access';
import { connectRedisCluster, type RedisClusterClient } from '../lib/stores/redis/connection';
import { peakRss } from './dataset/process-memory';

const OPTIONS = {
  keys: { type: 'string', default: '1000000' },
  requests: { type: 'string', default: '200' },
  passes: { type: 'string', default: '2' },
  keep: { type: 'boolean', default: false },
} as const;

let args = parseArgs({ args: [], options: OPTIONS }).values;
let KEYS = Number(args.keys);

/** The Redis Cluster part of `npm run bench:scale` (bench/scale.ts); other parts' options are ignored. */
export async function run(argv: string[]): Promise<void> {
  const known = new Set(Object.keys(OPTIONS).map((name) => `--${name}`));
  const mine = argv.filter((arg, i) => known.has(arg) || (i > 0 && known.has(argv[i - 1]!) && argv[i - 1] !== '--keep'));
  args = parseArgs({ args: mine, options: OPTIONS }).values;
  KEYS = Number(args.keys);
  await main();
}
const URLS = (process.env.REDIS_CLUSTER_URLS || 'redis://127.0.0.1:7000,redis://127.0.0.1:7001,redis://127.0.0.1:7002').split(',');
const PREFIX = 'bench:scale:idempotency:';
const PATTERN = `${PREFIX}*`;
const AS_BUFFER = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1048576).toFixed(0)} MB`);

/**
 * Writes keys `<prefix>{tag}k<from..to-1>` inside Redis: every tenth in flight
 * (a live lease), the rest completed with a day's TTL, as the library writes them.
 */
const GENERATE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) - 1 do
  local key = ARGV[1] .. 'k' .. i
  if i % 10 == 0 then
    redis.call('SET', key, '{"fmt":"idemscope","v":1,"status":"processing","owner":"bench-' .. i .. '","consumer":"bench","startedAt":' .. now .. ',"leaseExpiresAt":' .. (now + 3600000) .. '}', 'PX', 7200000)
  else
    redis.call('SET', key, '{"fmt":"idemscope","v":1,"status":"completed","consumer":"bench","startedAt":' .. now .. ',"completedAt":' .. now .. ',"result":{"ok":true,"order":' .. i .. '}}', 'EX', 86400)
  end
end
return 1
`);

/** Generates keys [from, to) of the dataset, spread over the slot groups (and so the masters), 5,000 per script call. */
let loadedChunks = 0;

async function load(cluster: RedisClusterClient, from: number, to: number): Promise<void> {
  const tags = clusterTags();
  const CHUNK = 5_000;
  const calls: (() => Promise<unknown>)[] = [];
  for (let start = from; start < to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK);
    // A stride coprime with the group count, so consecutive chunks land on different masters.
    const tag = tags[(loadedChunks++ * 7) % tags.length]!;
    const key = `${PREFIX}${tag}`;
    calls.push(() => cluster.evalSha(GENERATE.sha, { keys: [key], arguments: [key, String(start), String(end)] }).catch(() => cluster.eval(GENERATE.source, { keys: [key], arguments: [key, String(start), String(end)] })));
  }
  // Three at a time: about one per master.
  for (let i = 0; i < calls.length; i += 3) await Promise.all(calls.slice(i, i + 3).map((c) => c()));
}

/** Raw baseline: every master at once, SCAN + one pipelined PTTL/GETRANGE round trip per batch. */
async function rawPass(cluster: RedisClusterClient, count: number, headBytes: number): Promise<number> {
  const end = String(headBytes);
  const perMaster = await Promise.all(
    cluster.masters.map(async (master) => {
      const node = await cluster.nodeClient(master);
      let keys = 0;
      let cursor = '0';
      do {
        const reply = await node.scan(cursor, { MATCH: PATTERN, COUNT: count });
        cursor = String(reply.cursor);
        const replies: Promise<unknown>[] = [];
        for (const key of reply.keys) replies.push(node.sendCommand(['PTTL', key]), node.sendCommand(['GETRANGE', key, '0', end], AS_BUFFER));
        await Promise.allSettled(replies);
        keys += reply.keys.length;
      } while (cursor !== '0');
      return keys;
    }),
  );
  return perMaster.reduce((a, b) => a + b, 0);
}

async function unlinkAll(cluster: RedisClusterClient): Promise<void> {
  await Promise.all(
    cluster.masters.map(async (master) => {
      const node = await cluster.nodeClient(master);
      let cursor = '0';
      do {
        const reply = await node.scan(cursor, { MATCH: PATTERN, COUNT: 5000 });
        cursor = String(reply.cursor);
        // Keys of one step share no slot in general; one UNLINK each, pipelined.
        await Promise.all(reply.keys.map((key) => node.unlink(key)));
      } while (cursor !== '0');
    }),
  );
}

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

// A collection before each memory reading, so the heap figure is what the process keeps, not garbage.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

function memory(): { heap: number; rss: number } {
  collect();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

async function main(): Promise<void> {
  const env = parseEnv({ ...process.env, REDIS_CLUSTER_URLS: URLS.join(','), IDEMSCOPE_KEY_PATTERNS: `${PATTERN}=idemscope` });
  const config = dashboardConfigFromEnv(env);
  const cluster = connectRedisCluster(URLS, 'bench cluster', 10_000);
  const scannerCluster = connectRedisCluster(URLS, 'bench cluster (scanner)', 10_000);
  await Promise.all([cluster.connect(), scannerCluster.connect()]);
  const prisma = createPrismaClient(env.DATABASE_URL);
  const results: string[] = [];
  try {
    log(`cluster: ${cluster.masters.map((m) => m.address).join(', ')} (masters); removing any earlier bench keys`);
    await unlinkAll(cluster);

    const scanner = new KeyspaceScanner(guardedReader(scannerCluster), { ...scannerOptionsFrom(config), intervalMs: 3_600_000 });

    const small = Math.max(1, Math.floor(KEYS / 10));
    let loaded = performance.now();
    await load(cluster, 0, small);
    log(`loaded ${small.toLocaleString('en')} keys in ${((performance.now() - loaded) / 1000).toFixed(1)} s`);
    const smallPass = await scanner.runPass();
    if (smallPass.keys !== small) throw new Error(`the scanner counted ${smallPass.keys} keys, ${small} were loaded`);
    const memSmall = memory();

    loaded = performance.now();
    await load(cluster, small, KEYS);
    log(`loaded ${(KEYS - small).toLocaleString('en')} more keys in ${((performance.now() - loaded) / 1000).toFixed(1)} s`);

    const scans: number[] = [];
    const raws: number[] = [];
    let snapshot = smallPass;
    for (let pass = 0; pass < Number(args.passes); pass++) {
      let started = performance.now();
      const rawKeys = await rawPass(cluster, config.scanCount, config.headBytes);
      raws.push(performance.now() - started);
      if (rawKeys !== KEYS) throw new Error(`the raw loop saw ${rawKeys} keys, ${KEYS} were loaded`);
      started = performance.now();
      snapshot = await scanner.runPass();
      scans.push(performance.now() - started);
      if (snapshot.keys !== KEYS || !snapshot.complete) throw new Error(`the scanner counted ${snapshot.keys} keys (complete: ${snapshot.complete}), ${KEYS} were loaded`);
      log(`pass ${pass + 1}: raw ${(raws.at(-1)! / 1000).toFixed(1)} s, scanner ${(scans.at(-1)! / 1000).toFixed(1)} s`);
    }
    const memLarge = memory();
    const scanRate = KEYS / (Math.min(...scans) / 1000);
    const rawRate = KEYS / (Math.min(...raws) / 1000);
    results.push(
      `scanner over ${KEYS.toLocaleString('en')} keys on ${snapshot.nodes.length} masters: ${Math.round(scanRate).toLocaleString('en')} keys/s (best of ${scans.length}), ` +
        `raw per-master SCAN + PTTL/GETRANGE baseline ${Math.round(rawRate).toLocaleString('en')} keys/s, ratio ${(scanRate / rawRate).toFixed(2)} (target >= 0.6); ` +
        `COUNT ${config.scanCount}, step pause ${config.scanStepPauseMs} ms`,
    );
    results.push(`per master: ${snapshot.nodes.map((n) => `${n.node} ${n.keys.toLocaleString('en')} keys (${n.slots} slots)`).join(', ')}`);

    const deps = { ...createDashboard({ config, redis: cluster, scannerRedis: scannerCluster, db: prisma }), scanner };
    const samples: number[] = [];
    for (let i = 0; i < Number(args.requests); i++) {
      const started = performance.now();
      await getOverview(deps, { fresh: false });
      samples.push(performance.now() - started);
    }
    results.push(
      `overview (in-process, from the snapshot, Redis probe of every master included): p50 ${percentile(samples, 0.5).toFixed(1)} ms, p95 ${percentile(samples, 0.95).toFixed(1)} ms (n=${samples.length}; target p95 < 150 ms)`,
    );
    results.push(
      `this process's memory: heap ${mb(memSmall.heap)} / RSS ${mb(memSmall.rss)} after a pass over ${small.toLocaleString('en')} keys, ` +
        `heap ${mb(memLarge.heap)} / RSS ${mb(memLarge.rss)} after passes over ${KEYS.toLocaleString('en')}; peak RSS ${mb(peakRss(process.pid))}`,
    );
  } finally {
    if (!args.keep) {
      log('removing the bench keys');
      await unlinkAll(cluster);
    }
    cluster.destroy();
    scannerCluster.destroy();
    await prisma.$disconnect();
  }
  console.log(`\nbench:scale (Redis Cluster)\n${results.map((r) => `  - ${r}`).join('\n')}`);
}

/**
 * What the dashboard's background work costs the services beside it.
 * Loads N dedup keys (bench/dataset/redis-keys.ts: plain, idemscope and
 * Powertools records) and as many unrelated keys, then runs a service at a
 * fixed claim rate in a process of its own (bench/observer-service.ts) in
 * three phases per run, in an order that rotates between runs:
 *   - alone: no dashboard;
 *   - no viewer: the dashboard's scanner as it runs with nobody looking
 *     (under IDEMSCOPE_REDIS_BUDGET_PERCENT, the first pass running all along);
 *   - viewer: someone asks for the overview every 10 s (full speed).
 * Prints the service's claim latency p50/p99 and their ratio to the alone
 * phase of the same run, and Redis's CPU share (INFO cpu across the phase,
 * as a share of one core: the service's, the dashboard's and anyone else's
 * on this Redis). The keys are removed at the end.
 *
 *   npm run bench:observer -- [--keys 1000000] [--duration 60] [--runs 3] [--rate 2000] [--budget 2] [--warmup 5] [--postgres-rows N]
 *
 * With --postgres-rows N (or --runs 0 for that alone) it also reports what one overview refresh
 * asks of a processed_messages table of N rows (bench/observer-postgres.ts).
 *
 * REDIS_URL defaults to database 13 of the local Redis, one of the bench's own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseEnv } from '../lib/config/env';
import { dashboardConfigFromEnv } from '../lib/dashboard/config';
import { createScanner } from '../lib/dashboard/context';
import type { KeyspaceScanner } from '../lib/scanner/scanner';
import { redisReadStore } from '../lib/stores/redis/read-store';
import { unlinkPrefix } from './dataset/cleanup';
import { benchRedis, closeRedis } from './dataset/redis-client';
import { loadRedisDataset } from './dataset/redis-keys';
import { pipeToRedis, resp } from './dataset/resp';
import { overviewReads } from './observer-postgres';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '60' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '2000' },
    budget: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '5' },
    'postgres-rows': { type: 'string', default: '0' },
  },
});
const KEYS = Number(args.keys);
const DURATION_MS = Number(args.duration) * 1000;
const RUNS = Number(args.runs);
const RATE = Number(args.rate);
const WARMUP_MS = Number(args.warmup) * 1000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const PREFIX = `obsbench:${Math.random().toString(36).slice(2, 8)}:`;
const SERVICE = path.resolve(import.meta.dirname, 'observer-service.ts');

type Phase = 'alone' | 'no viewer' | 'viewer';
interface Measured {
  phase: Phase;
  p50: number;
  p99: number;
  claims: number;
  errors: number;
  redisCpuShare: number;
}

const admin = await benchRedis(REDIS_URL);
const redisCpu = async () => {
  const info = String(await admin.info('cpu'));
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
  return field('used_cpu_sys') + field('used_cpu_user');
};

/** The service in its own process for one phase; Redis CPU is read when it starts measuring and when it is done. */
function runService(): Promise<{ p50: number; p99: number; claims: number; errors: number; cpuSeconds: number; wallMs: number }> {
  const settings = { url: REDIS_URL, prefix: PREFIX, rate: RATE, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
  const child = spawn(process.execPath, ['--import', 'tsx', SERVICE, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let from: Promise<{ cpu: number; at: number }> | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!from && out.includes('measuring\n')) from = redisCpu().then((cpu) => ({ cpu, at: performance.now() }));
    });
    child.on('error', reject);
    child.on('close', async (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !from || !last.startsWith('{')) return reject(new Error(`service exited ${code}: ${out}`));
      const start = await from;
      // The service's last half second is spent waiting for replies, outside its window.
      const [cpu, at] = [await redisCpu(), performance.now() - 500];
      resolve({ ...(JSON.parse(last) as { p50: number; p99: number; claims: number; errors: number }), cpuSeconds: cpu - start.cpu, wallMs: at - start.at });
    });
  });
}

async function phase(name: Phase, dataset: { patterns: string[]; statsPrefix: string }): Promise<Measured> {
  let scanner: KeyspaceScanner | null = null;
  let viewer: NodeJS.Timeout | undefined;
  const scannerRedis = await benchRedis(REDIS_URL);
  if (name !== 'alone') {
    const config = dashboardConfigFromEnv(
      parseEnv({ IDEMSCOPE_KEY_PATTERNS: dataset.patterns.join(','), IDEMSCOPE_STATS_PREFIX: dataset.statsPrefix, IDEMSCOPE_REDIS_BUDGET_PERCENT: args.budget }),
    );
    scanner = createScanner(config, redisReadStore(scannerRedis), Date.now);
    if (name === 'viewer') {
      scanner.noteViewer();
      viewer = setInterval(() => scanner!.noteViewer(), 10_000);
    }
    scanner.start();
  }
  try {
    const service = await runService();
    return {
      phase: name,
      p50: service.p50,
      p99: service.p99,
      claims: service.claims,
      errors: service.errors,
      redisCpuShare: service.cpuSeconds / (service.wallMs / 1000),
    };
  } finally {
    clearInterval(viewer);
    await scanner?.stop().catch(() => undefined);
    await closeRedis(scannerRedis);
  }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const range = (xs: number[], digits = 2) => `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;

try {
  if (RUNS === 0) {
    await overviewReads(admin, Number(args['postgres-rows']), console.log);
    process.exit(0);
  }
  console.log(`bench:observer: ${KEYS} dedup keys + ${KEYS} unrelated keys on ${REDIS_URL}; service at ${RATE} claims/s; ${RUNS} runs of 3 phases × ${DURATION_MS / 1000} s (+${WARMUP_MS / 1000} s warm-up); budget ${args.budget} %`);
  const loadStarted = performance.now();
  const dataset = await loadRedisDataset({ url: REDIS_URL, prefix: PREFIX, keys: KEYS, nowMs: Date.now() });
  await pipeToRedis(
    REDIS_URL,
    (function* () {
      for (let i = 0; i < KEYS; i++) yield resp(['SET', `${PREFIX}cache:user:${i}`, `{"id":${i},"name":"user ${i}"}`, 'EX', '86400']);
    })(),
  );
  console.log(`loaded in ${fmt((performance.now() - loadStarted) / 1000, 1)} s; DBSIZE ${await admin.dbSize()}`);

  const phases: Phase[] = ['alone', 'no viewer', 'viewer'];
  const results: Measured[][] = [];
  for (let run = 0; run < RUNS; run++) {
    const order = phases.map((_, i) => phases[(i + run) % phases.length]!);
    const measured: Measured[] = [];
    for (const name of order) measured.push(await phase(name, dataset));
    results.push(measured);
    const alone = measured.find((m) => m.phase === 'alone')!;
    console.log(`run ${run + 1} (order: ${order.join(', ')})`);
    for (const m of phases.map((p) => measured.find((x) => x.phase === p)!)) {
      console.log(
        `  ${m.phase.padEnd(9)} p50 ${fmt(m.p50)} ms (×${fmt(m.p50 / alone.p50)})  p99 ${fmt(m.p99)} ms (×${fmt(m.p99 / alone.p99)})  Redis CPU ${fmt(100 * m.redisCpuShare, 1)} % of a core  (${m.claims} claims, ${m.errors} errors)`,
      );
    }
  }

  console.log(`\nSummary over ${RUNS} runs (ranges; ratios to the alone phase of the same run)`);
  for (const name of phases) {
    const own = results.map((r) => r.find((m) => m.phase === name)!);
    const alone = results.map((r) => r.find((m) => m.phase === 'alone')!);
    const extra = own.map((m, i) => 100 * (m.redisCpuShare - alone[i]!.redisCpuShare));
    console.log(
      `  ${name.padEnd(9)} p50 ×${range(own.map((m, i) => m.p50 / alone[i]!.p50))}  p99 ×${range(own.map((m, i) => m.p99 / alone[i]!.p99))}  Redis CPU ${range(own.map((m) => 100 * m.redisCpuShare), 1)} %` +
        (name === 'alone' ? '' : `  (over alone: ${range(extra, 1)} points)`),
    );
  }
  if (Number(args['postgres-rows']) > 0) await overviewReads(admin, Number(args['postgres-rows']), console.log);
} finally {
  await unlinkPrefix(admin, PREFIX);
  await closeRedis(admin);
}

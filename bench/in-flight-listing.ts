/**
 * The Explorer's stuck listing and the bulk stuck preview among 1,000,000
 * dedup keys of the processor library, read two ways in the same run:
 *   - from the library's in-flight index (the pattern declared `=idemscope`);
 *   - by the bounded SCAN (the same pattern under `auto`, which reads the
 *     same records the same way, but has no index to go by).
 * Each is timed end to end (every page until the listing ends, as a user
 * paging to the end would) with Redis's own CPU (INFO cpu) around it, next to
 * the raw baselines measured in the same run: a bare SCAN MATCH COUNT 1000
 * over the database, and a bare ZRANGE of the whole index plus one pipelined
 * GET per member. Records and index are written in the library's format with
 * redis-cli --pipe in a Redis database of the benchmark's own (13), and
 * removed at the end.
 *
 *   npm run bench:in-flight [-- --keys 1000000 --stuck 1000 --fresh 1000 --rounds 3]
 */
import { parseArgs } from 'node:util';
import { parseEnv } from '../lib/config/env';
import { dashboardConfigFromEnv } from '../lib/dashboard/config';
import { listKeys } from '../lib/dashboard/keys';
import { inFlightIndexKey } from '../lib/idempotency/stats-keys';
import { redisAccess } from '../lib/stores/redis/access';
import { redisReadStore } from '../lib/stores/redis/read-store';
import { previewStuckKeys } from '../lib/stores/redis/release';
import { storeSettingsFrom } from '../lib/stores/settings';
import { unlinkPrefix } from './dataset/cleanup';
import { benchRedis, closeRedis } from './dataset/redis-client';
import { pipeToRedis, resp } from './dataset/resp';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    stuck: { type: 'string', default: '1000' },
    fresh: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
  },
});
const KEYS = Number(args.keys);
const STUCK = Number(args.stuck);
const FRESH = Number(args.fresh);
const ROUNDS = Number(args.rounds);
const REDIS_URL = (() => {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  url.pathname = '/13';
  return url.toString();
})();
const PREFIX = `bench:inflight:${process.pid}:`;
const KEY_PREFIX = `${PREFIX}idempotency:`;
const STATS_PREFIX = `${PREFIX}stats:`;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Completed records, then claims stuck for 10 minutes (lease 30 s), then fresh claims (lease 1 h), with the index of the claims. */
function* dataset(nowMs: number): Generator<string> {
  const completed = KEYS - STUCK - FRESH;
  for (let i = 0; i < completed; i++) {
    const startedAt = nowMs - 60_000 - (i % 600_000);
    yield resp([
      'SET',
      `${KEY_PREFIX}done-${i}`,
      JSON.stringify({ fmt: 'idemscope', v: 1, status: 'completed', consumer: 'billing', startedAt, completedAt: startedAt + 40, result: { orderId: i } }),
      'EX',
      '86400',
    ]);
  }
  const index = inFlightIndexKey(STATS_PREFIX);
  const claim = (name: string, startedAt: number, leaseMs: number) => [
    resp([
      'SET',
      `${KEY_PREFIX}${name}`,
      JSON.stringify({ fmt: 'idemscope', v: 1, status: 'processing', owner: `o-${name}`, consumer: 'billing', startedAt, leaseExpiresAt: startedAt + leaseMs }),
      'PX',
      String(leaseMs + 3_600_000),
    ]),
    resp(['ZADD', index, String(startedAt), `${KEY_PREFIX}${name}`]),
  ];
  for (let i = 0; i < STUCK; i++) yield* claim(`stuck-${i}`, nowMs - 600_000 + i, 30_000);
  for (let i = 0; i < FRESH; i++) yield* claim(`fresh-${i}`, nowMs - 1_000 + (i % 500), 3_600_000);
}

type Client = Awaited<ReturnType<typeof benchRedis>>;

async function cpuSeconds(client: Client): Promise<number> {
  const info = String(await client.info('cpu'));
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
  return field('used_cpu_sys') + field('used_cpu_user');
}

interface Measure {
  ms: number;
  cpuMs: number;
  found: number;
  note: string;
}

async function measure(client: Client, run: () => Promise<{ found: number; note: string }>): Promise<Measure> {
  const cpuBefore = await cpuSeconds(client);
  const started = performance.now();
  const { found, note } = await run();
  const ms = performance.now() - started;
  return { ms, cpuMs: ((await cpuSeconds(client)) - cpuBefore) * 1000, found, note };
}

async function main(): Promise<void> {
  const client = await benchRedis(REDIS_URL);
  try {
    const nowMs = Date.now();
    const loadStart = performance.now();
    await pipeToRedis(REDIS_URL, dataset(nowMs));
    console.log(`loaded ${fmt(KEYS)} keys (${fmt(STUCK)} stuck claims, ${fmt(FRESH)} fresh) in ${fmt((performance.now() - loadStart) / 1000, 1)} s; DBSIZE ${fmt(Number(await client.dbSize()))}`);

    const env = (pattern: string) => parseEnv({ IDEMSCOPE_KEY_PATTERNS: pattern, IDEMSCOPE_STATS_PREFIX: STATS_PREFIX });
    const indexed = env(`${KEY_PREFIX}*=idemscope`);
    const scanned = env(`${KEY_PREFIX}*`);
    const read = redisReadStore(client);
    const listAll = (e: ReturnType<typeof parseEnv>) => async () => {
      const deps = { config: dashboardConfigFromEnv(e), redis: read, now: () => nowMs };
      let cursor: string | undefined;
      let found = 0;
      let pages = 0;
      let examined = 0;
      let walked = 0;
      do {
        const page = await listKeys(deps, { state: 'stuck', limit: 500, cursor });
        found += page.items.length;
        examined += page.examined;
        walked += page.scanned ?? 0;
        pages++;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { found, note: `${pages} pages, ${fmt(examined)} examined${walked ? `, ~${fmt(walked)} scanned` : ''}` };
    };
    const preview = (e: ReturnType<typeof parseEnv>) => async () => {
      const result = await previewStuckKeys(redisAccess(client, { ...storeSettingsFrom(e), bulkLimit: KEYS }, () => nowMs), 0);
      return { found: result.count, note: `${fmt(result.examined)} examined` };
    };
    const rawScan = async () => {
      let seen = 0;
      for await (const keys of client.scanIterator({ MATCH: `${KEY_PREFIX}*`, COUNT: 1000 })) seen += keys.length;
      return { found: seen, note: 'keys returned' };
    };
    const rawIndex = async () => {
      const members = (await client.zRange(inFlightIndexKey(STATS_PREFIX), 0, -1)).map(String);
      await Promise.all(members.map((m) => client.get(m)));
      return { found: members.length, note: 'members read' };
    };

    const cases: [string, () => Promise<{ found: number; note: string }>][] = [
      ['raw SCAN MATCH COUNT 1000 (baseline)', rawScan],
      ['raw ZRANGE + GET of the index (baseline)', rawIndex],
      ['stuck listing from the index', listAll(indexed)],
      ['stuck listing by scan', listAll(scanned)],
      ['bulk preview from the index', preview(indexed)],
      ['bulk preview by scan', preview(scanned)],
    ];
    const results = new Map<string, Measure[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of cases) {
        const list = results.get(name) ?? [];
        list.push(await measure(client, run));
        results.set(name, list);
      }
    }
    const best = (name: string) => Math.min(...results.get(name)!.map((m) => m.ms));
    const rawScanMs = best(cases[0]![0]);
    const rawIndexMs = best(cases[1]![0]);
    console.log(`\n${ROUNDS} rounds each, alternated; wall time min–max, Redis CPU min–max; ×: best over the best raw baseline of its own kind in this run`);
    for (const [name] of cases) {
      const list = results.get(name)!;
      const ms = list.map((m) => m.ms);
      const cpu = list.map((m) => m.cpuMs);
      const baseline = name.includes('index') ? rawIndexMs : rawScanMs;
      console.log(
        `${name.padEnd(42)} ${fmt(Math.min(...ms), 1).padStart(9)}–${fmt(Math.max(...ms), 1).padEnd(9)} ms  cpu ${fmt(Math.min(...cpu)).padStart(6)}–${fmt(Math.max(...cpu)).padEnd(6)} ms  ×${fmt(best(name) / baseline, 2).padEnd(7)} found ${fmt(list[0]!.found)} (${list[0]!.note})`,
      );
    }
    console.log(
      `index / scan: listing ${fmt(best('stuck listing from the index') / best('stuck listing by scan'), 4)}, preview ${fmt(best('bulk preview from the index') / best('bulk preview by scan'), 4)} of the time`,
    );
  } finally {
    await unlinkPrefix(client, PREFIX);
    await closeRedis(client);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

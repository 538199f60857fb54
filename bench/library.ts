/**
 * Messages per second through the idempotency library versus the plain recipe
 * on the same client, at a fixed number of messages in flight. Rounds
 * alternate raw and library so that drift (page cache, autovacuum, other
 * load on the box) hits both alike; the median round is reported.
 *
 * The Redis baseline is the recipe on node-redis, which writes every command
 * issued in the same tick in one go (automatic pipelining): with many messages
 * in flight that is the fastest raw client, so the library is held to it.
 *
 *   npm run bench:library [-- --messages 5000 --rounds 9 --in-flight 64 --pool 16 --store redis,postgres]
 *     --raw-prepared      run the Postgres baseline as a named prepared statement, as the library does
 *     --max-batch N, --max-concurrent-batches N   the stores' batching options (default: the stores' defaults)
 *
 * Besides the library as configured, it always runs the library with batching
 * off (one script call or statement per message), to show what batching buys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createClient, type RedisClientType } from 'redis';
import { migrate } from '../lib/db/migrate';
import { setupLibraryTables } from '../lib/db/library-setup';
import { PostgresStore, RedisStore, idempotent, type PostgresStoreOptions, type RedisStoreOptions } from '../lib/idempotency/index';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '9' },
    'in-flight': { type: 'string', default: '64' },
    pool: { type: 'string', default: '16' },
    store: { type: 'string', default: 'redis,postgres' },
    // Variants of the baselines, to show where the library's advantages come from.
    'raw-prepared': { type: 'boolean', default: false },
    'max-batch': { type: 'string' },
    'max-concurrent-batches': { type: 'string' },
  },
});
const MESSAGES = Number(args.messages);
const ROUNDS = Number(args.rounds);
const IN_FLIGHT = Number(args['in-flight']);
const POOL = Number(args.pool);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_URL = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/idemscope');
// A database of this run's own: another checkout's bench on the same server must not drop it.
const BENCH_DB = `idemscope_bench_${randomBytes(3).toString('hex')}`;

type Order = { id: string };
const batching = {
  ...(args['max-batch'] ? { maxBatchSize: Number(args['max-batch']) } : {}),
  ...(args['max-concurrent-batches'] ? { maxConcurrentBatches: Number(args['max-concurrent-batches']) } : {}),
};
const unbatched = { maxBatchSize: 1, maxConcurrentBatches: 64 };

const business = async (order: Order) => ({ status: 'shipped', order: order.id });

interface Run {
  rate: number;
  /** Client plus server CPU per message, in µs: steadier than rates on a machine others share. */
  cpuMicros: number;
  /** This process's share of cpuMicros. */
  clientMicros: number;
  /** Server time per message by the server's own accounting, per top-level command (Redis INFO commandstats), when the setup reads it. */
  commands: Map<string, { calls: number; usec: number }> | null;
}

/** Runs the calls with at most IN_FLIGHT outstanding. */
async function drive(keys: string[], call: (key: string) => Promise<unknown>, setup: Pick<Setup, 'serverCpu' | 'commandStats'>): Promise<Run> {
  const { serverCpu } = setup;
  let next = 0;
  const statsBefore = (await setup.commandStats?.()) ?? null;
  const serverBefore = await serverCpu();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < keys.length) await call(keys[next++]!);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(clientBefore);
  const server = (await serverCpu()) - serverBefore;
  const statsAfter = statsBefore && (await setup.commandStats!());
  const commands = statsAfter && new Map([...statsAfter].map(([name, after]) => {
    const before = statsBefore!.get(name) ?? { calls: 0, usec: 0 };
    return [name, { calls: after.calls - before.calls, usec: after.usec - before.usec }] as const;
  }).filter(([, d]) => d.calls > 0));
  const clientMicros = (client.user + client.system) / keys.length;
  return { rate: keys.length / seconds, cpuMicros: clientMicros + (server * 1e6) / keys.length, clientMicros, commands };
}

/** CPU seconds the given processes have used so far, from /proc (Linux, server on this machine). */
async function processCpu(pids: number[]): Promise<number> {
  const ticks = await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    }),
  );
  return ticks.reduce((a, b) => a + b, 0) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Contender {
  name: string;
  keys: (round: string, n: number) => string[];
  call: (key: string) => Promise<unknown>;
}

/**
 * Runs raw and library back to back in each round, alternating who goes
 * first, and reports the median of the per-round ratios: on a shared machine
 * neighbouring runs see the same background load, distant ones do not.
 */
/** Median msg/s of raw and of each library contender, and each library's median same-round ratio to raw. */
interface Comparison {
  raw: number;
  libraries: { rate: number; ratio: number }[];
}

async function compare(label: string, raw: Contender, libraries: Contender[], setup: Setup): Promise<Comparison> {
  const contenders = [raw, ...libraries];
  const runs = new Map<Contender, Run[]>(contenders.map((c) => [c, []]));
  const warm = Math.min(2000, MESSAGES);
  for (const c of contenders) await drive(c.keys('warm', warm), c.call, setup);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate who goes first, so that nobody always runs right after a checkpoint or on the same neighbour.
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length]!;
      await setup.reset();
      runs.get(c)!.push(await drive(c.keys(`r${round}`, MESSAGES), c.call, setup));
    }
  }
  console.log(`\n${label}: ${ROUNDS} rounds of ${MESSAGES} messages each, ${IN_FLIGHT} in flight (${setup.cpuNote})`);
  for (const [c, list] of runs) {
    const rates = list.map((r) => r.rate);
    const cpu = median(list.map((r) => r.cpuMicros));
    const client = median(list.map((r) => r.clientMicros));
    console.log(
      `  ${c.name.padEnd(58)} median ${median(rates).toFixed(0).padStart(6)} msg/s, ${cpu.toFixed(0).padStart(4)} µs CPU/msg (client ${client.toFixed(1)})  (${rates.map((r) => r.toFixed(0)).join(' ')})`,
    );
    const commands = commandTimes(list);
    if (commands) console.log(`    ${''.padEnd(56)} server by command: ${commands}`);
  }
  const rawRuns = runs.get(raw)!;
  return {
    raw: median(rawRuns.map((r) => r.rate)),
    libraries: libraries.map((library) => {
      const libraryRuns = runs.get(library)!;
      const ratios = libraryRuns.map((r, round) => r.rate / rawRuns[round]!.rate);
      const cpuRatio = median(rawRuns.map((r) => r.cpuMicros)) / median(libraryRuns.map((r) => r.cpuMicros));
      console.log(`  ${library.name}:`);
      console.log(`    library / raw msg/s, median of same-round ratios = ${median(ratios).toFixed(3)}  (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
      console.log(`    raw / library CPU per message = ${cpuRatio.toFixed(3)}`);
      return { rate: median(libraryRuns.map((r) => r.rate)), ratio: median(ratios) };
    }),
  };
}

interface Setup {
  reset(): Promise<void>;
  serverCpu(): Promise<number>;
  /** Calls and µs so far per command, from the server's own accounting (Redis: INFO commandstats). */
  commandStats?(): Promise<Map<string, { calls: number; usec: number }>>;
  cpuNote: string;
}

/**
 * Median over rounds of each command's µs per call and per message, for the
 * commands the contender sends itself (the scripts' own calls are inside the
 * scripts' time). Anyone else using the server adds to these.
 */
function commandTimes(runs: Run[]): string | null {
  if (runs.some((r) => r.commands === null)) return null;
  const seen = new Set(runs.flatMap((r) => [...r.commands!.keys()]));
  // A contender that runs scripts sends no plain command itself: those seen ran inside its scripts.
  const names = seen.has('evalsha') || seen.has('eval') ? [...seen].filter((n) => SCRIPTS.has(n)) : [...seen].filter((n) => PLAIN.has(n));
  return names
    .map((name) => {
      const perCall = median(runs.map((r) => { const d = r.commands!.get(name); return d ? d.usec / d.calls : 0; }));
      const perMessage = median(runs.map((r) => (r.commands!.get(name)?.usec ?? 0) / MESSAGES));
      return `${name} ${perCall.toFixed(2)} µs/call, ${perMessage.toFixed(2)} µs/msg`;
    })
    .join('; ');
}

/** The commands the contenders send themselves; the rest are called from scripts or by other clients. */
const SCRIPTS = new Set(['evalsha', 'eval']);
const PLAIN = new Set(['set', 'get', 'del']);

async function benchRedis(): Promise<Comparison> {
  const client: RedisClientType = createClient({ url: REDIS_URL });
  client.on('error', (error: Error) => console.error(`bench: redis: ${error.message}`));
  await client.connect();
  const redisPid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]);
  const prefix = `bench:${randomBytes(3).toString('hex')}:`;
  const keyPrefix = `${prefix}idempotency:`;
  const handler = (options: RedisStoreOptions) =>
    idempotent(business, { store: new RedisStore(client, { keyPrefix, statsPrefix: `${prefix}stats:`, ...options }), consumer: 'bench', key: (o) => o.id });
  const batched = handler(batching);
  const single = handler(unbatched);
  const keys = (round: string, n: number) => Array.from({ length: n }, (_, i) => `${round}-${i}`);
  const day = { type: 'EX', value: 86400 } as const;
  try {
    return await compare(
      'Redis (node-redis, automatic pipelining)',
      {
        name: 'raw: SET NX EX, then SET result EX',
        keys: (round, n) => keys(`raw-${round}`, n),
        async call(id) {
          const key = `${keyPrefix}${id}`;
          if ((await client.set(key, 'processing', { condition: 'NX', expiration: day })) !== 'OK') return client.get(key);
          let result;
          try {
            result = await business({ id });
          } catch (error) {
            await client.del(key);
            throw error;
          }
          return client.set(key, JSON.stringify(result), { expiration: day });
        },
      },
      [
        { name: 'library: claim call, complete call (batched)', keys: (round, n) => keys(`lib-${round}`, n), call: (id) => batched({ id }) },
        { name: 'library, one script call per message', keys: (round, n) => keys(`one-${round}`, n), call: (id) => single({ id }) },
      ],
      {
        reset: async () => undefined,
        serverCpu: () => processCpu([redisPid]),
        async commandStats() {
          const stats = new Map<string, { calls: number; usec: number }>();
          for (const line of (await client.info('commandstats')).split('\n')) {
            const found = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line);
            if (found) stats.set(found[1]!, { calls: Number(found[2]), usec: Number(found[3]) });
          }
          return stats;
        },
        cpuNote: 'this process + redis-server, which also serves anyone else using it',
      },
    );
  } finally {
    await unlinkPrefix(client, prefix);
    await client.close();
  }
}

async function unlinkPrefix(client: RedisClientType, prefix: string): Promise<void> {
  for await (const found of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (found.length) await client.unlink(found);
  }
}

const RAW_INSERT =
  'INSERT INTO processed_messages (message_id, result) VALUES ($1::uuid, $2::jsonb) ON CONFLICT (message_id) DO NOTHING RETURNING message_id';

async function benchPostgres(): Promise<Comparison> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${BENCH_DB}`;
  await migrate(url.toString());
  await setupLibraryTables(url.toString());
  // Idle connections are kept so that the backends whose CPU is measured stay the same.
  const pool = new pg.Pool({ connectionString: url.toString(), max: POOL, idleTimeoutMillis: 0 });
  const handler = (options: PostgresStoreOptions) =>
    idempotent(business, { store: new PostgresStore(pool, options), consumer: 'bench', key: (o) => o.id });
  const batched = handler(batching);
  const single = handler(unbatched);
  const uuids = (_round: string, n: number) => Array.from({ length: n }, () => randomUUID());
  try {
    return await compare(
      `Postgres (pool of ${POOL} for both)`,
      {
        name: `raw: INSERT ... ON CONFLICT DO NOTHING${args['raw-prepared'] ? ', prepared' : ''}`,
        keys: uuids,
        async call(id) {
          const result = await business({ id });
          return pool.query({ text: RAW_INSERT, values: [id, JSON.stringify(result)], name: args['raw-prepared'] ? 'raw_insert' : undefined });
        },
      },
      [
        { name: 'library: claim statement, complete statement (batched)', keys: uuids, call: (id) => batched({ id }) },
        { name: 'library, one statement per message', keys: uuids, call: (id) => single({ id }) },
      ],
      {
        async reset() {
          await pool.query('TRUNCATE processed_messages, delivery_stats');
          await pool.query('CHECKPOINT');
        },
        async serverCpu() {
          const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [BENCH_DB]);
          return processCpu(rows.map((r) => r.pid));
        },
        cpuNote: 'this process + the pool\'s backends, without WAL writer and checkpointer',
      },
    );
  } finally {
    await pool.end();
    const admin = new pg.Client({ connectionString: ADMIN_URL.toString().replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.end();
  }
}

const stores = args.store.split(',');
const targets: [string, Comparison, number][] = [];
if (stores.includes('redis')) targets.push(['Redis', await benchRedis(), 0.85]);
if (stores.includes('postgres')) targets.push(['Postgres', await benchPostgres(), 0.8]);
console.log('\nSummary (median msg/s; library / raw = median of same-round ratios, same in-flight count, same client or pool)');
for (const [name, { raw, libraries }, target] of targets) {
  const [batched, single] = libraries;
  const verdict = batched!.ratio >= target ? 'met' : 'MISSED';
  console.log(
    `  ${name.padEnd(9)} raw ${raw.toFixed(0)} msg/s, library ${batched!.rate.toFixed(0)} msg/s: ${batched!.ratio.toFixed(3)} (target >= ${target}: ${verdict}); ` +
      `one call per message ${single!.rate.toFixed(0)} msg/s: ${single!.ratio.toFixed(3)}`,
  );
}

/**
 * Messages per second through the idempotency library versus the plain recipe
 * on the same client, at a fixed number of messages in flight. Rounds
 * alternate raw and library so that drift (page cache, autovacuum, other
 * load on the box) hits both alike; the median round is reported.
 *
 *   npm run bench:library [-- --messages 5000 --rounds 9 --in-flight 64 --pool 16 --store redis,postgres]
 *     --raw-prepared      run the Postgres baseline as a named prepared statement, as the library does
 *     --auto-pipelining   give the Redis client ioredis' enableAutoPipelining, for raw and library alike
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrate } from '../lib/db/migrate';
import { PostgresStore, RedisStore, idempotent } from '../lib/idempotency/index';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '9' },
    'in-flight': { type: 'string', default: '64' },
    pool: { type: 'string', default: '16' },
    store: { type: 'string', default: 'redis,postgres' },
    // Variants of the baselines, to show where the library's advantages come from.
    'raw-prepared': { type: 'boolean', default: false },
    'auto-pipelining': { type: 'boolean', default: false },
  },
});
const MESSAGES = Number(args.messages);
const ROUNDS = Number(args.rounds);
const IN_FLIGHT = Number(args['in-flight']);
const POOL = Number(args.pool);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_URL = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/idemscope');
const BENCH_DB = 'idemscope_bench';

type Order = { id: string };
const business = async (order: Order) => ({ status: 'shipped', order: order.id });

interface Run {
  rate: number;
  /** Client plus server CPU per message, in µs: steadier than rates on a machine others share. */
  cpuMicros: number;
}

/** Runs the calls with at most IN_FLIGHT outstanding. */
async function drive(keys: string[], call: (key: string) => Promise<unknown>, serverCpu: () => Promise<number>): Promise<Run> {
  let next = 0;
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
  return { rate: keys.length / seconds, cpuMicros: (client.user + client.system + server * 1e6) / keys.length };
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
async function compare(label: string, raw: Contender, library: Contender, setup: Setup): Promise<number> {
  const runs = new Map<Contender, Run[]>([
    [raw, []],
    [library, []],
  ]);
  const ratios: number[] = [];
  const warm = Math.min(2000, MESSAGES);
  for (const c of [raw, library]) await drive(c.keys('warm', warm), c.call, setup.serverCpu);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 ? [library, raw] : [raw, library]) {
      await setup.reset();
      runs.get(c)!.push(await drive(c.keys(`r${round}`, MESSAGES), c.call, setup.serverCpu));
    }
    ratios.push(runs.get(library)![round]!.rate / runs.get(raw)![round]!.rate);
  }
  console.log(`\n${label}: ${ROUNDS} rounds of ${MESSAGES} messages each, ${IN_FLIGHT} in flight`);
  for (const [c, list] of runs) {
    const rates = list.map((r) => r.rate);
    const cpu = median(list.map((r) => r.cpuMicros));
    console.log(
      `  ${c.name.padEnd(46)} median ${median(rates).toFixed(0).padStart(6)} msg/s, ${cpu.toFixed(0).padStart(4)} µs CPU/msg  (${rates.map((r) => r.toFixed(0)).join(' ')})`,
    );
  }
  const ratio = median(ratios);
  const cpuRatio = median(runs.get(raw)!.map((r) => r.cpuMicros)) / median(runs.get(library)!.map((r) => r.cpuMicros));
  console.log(`  library / raw, median of rounds = ${ratio.toFixed(3)}  (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
  console.log(`  raw CPU / library CPU per message = ${cpuRatio.toFixed(3)}  (${setup.cpuNote})`);
  return ratio;
}

interface Setup {
  reset(): Promise<void>;
  serverCpu(): Promise<number>;
  cpuNote: string;
}

async function benchRedis(): Promise<number> {
  const client = new Redis(REDIS_URL, { enableAutoPipelining: args['auto-pipelining'] });
  const redisPid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]);
  const prefix = `bench:${randomBytes(3).toString('hex')}:`;
  const keyPrefix = `${prefix}idempotency:`;
  const store = new RedisStore(client, { keyPrefix, statsPrefix: `${prefix}stats:` });
  const handle = idempotent(business, { store, consumer: 'bench', key: (o) => o.id });
  const keys = (round: string, n: number) => Array.from({ length: n }, (_, i) => `${round}-${i}`);
  try {
    return await compare(
      'Redis',
      {
        name: 'raw: SET NX EX, then SET result EX',
        keys: (round, n) => keys(`raw-${round}`, n),
        async call(id) {
          const key = `${keyPrefix}${id}`;
          if ((await client.set(key, 'processing', 'EX', 86400, 'NX')) !== 'OK') return client.get(key);
          const result = await business({ id });
          return client.set(key, JSON.stringify(result), 'EX', 86400);
        },
      },
      { name: 'library: claim script, complete script', keys: (round, n) => keys(`lib-${round}`, n), call: (id) => handle({ id }) },
      {
        reset: async () => undefined,
        serverCpu: () => processCpu([redisPid]),
        cpuNote: 'this process + redis-server, which also serves anyone else using it',
      },
    );
  } finally {
    await unlinkPrefix(client, prefix);
    client.disconnect();
  }
}

async function unlinkPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await client.unlink(...found);
  } while (cursor !== '0');
}

const RAW_INSERT =
  'INSERT INTO processed_messages (message_id, result) VALUES ($1::uuid, $2::jsonb) ON CONFLICT (message_id) DO NOTHING RETURNING message_id';

async function benchPostgres(): Promise<number> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${BENCH_DB}`;
  await migrate(url.toString());
  // Idle connections are kept so that the backends whose CPU is measured stay the same.
  const pool = new pg.Pool({ connectionString: url.toString(), max: POOL, idleTimeoutMillis: 0 });
  const store = new PostgresStore(pool);
  const handle = idempotent(business, { store, consumer: 'bench', key: (o) => o.id });
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
      { name: 'library: claim statement, complete statement', keys: uuids, call: (id) => handle({ id }) },
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
const targets: [string, number, number][] = [];
if (stores.includes('redis')) targets.push(['Redis', await benchRedis(), 0.85]);
if (stores.includes('postgres')) targets.push(['Postgres', await benchPostgres(), 0.8]);
console.log('\nSummary');
for (const [name, ratio, target] of targets) {
  console.log(`  ${name.padEnd(9)} library/raw ${ratio.toFixed(3)}  target >= ${target}  ${ratio >= target ? 'met' : 'MISSED'}`);
}

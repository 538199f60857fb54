import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse, LookupResponse, OverviewResponse } from '../../lib/contract/read';
import type { PurgeJobView } from '../../lib/contract/actions';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { hasRedisServer, sparePort, startOwnRedis, startProxy, type OwnRedis, type Proxy } from './fault-injection';

/**
 * The dashboard during an incident (issue #15): each fault is injected into
 * stores of this file's own (a redis-server on a spare port behind a TCP
 * proxy, a database of its own), and every API route is called as Next
 * calls it, over the app's own wiring. Each must answer within the deadline,
 * with 503 or with figures marked stale/unknown; no action may report
 * success its store did not confirm; and after the fault every route is
 * correct again.
 */

/** Never the shared Redis on 6379: pausing or filling it would stall everyone else's tests. */
const PREFERRED_REDIS_PORT = 6390;
const HAS_REDIS_SERVER = hasRedisServer();
const DEADLINE_MS = 5000;
const OPERATOR = 'fault-operator-token-0123456789abcdef';
const ORIGIN = 'http://dash.test:3000';
const POOL_SIZE = 3;

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Call {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  params?: Record<string, string>;
}
interface Answer {
  status: number;
  ms: number;
  body: unknown;
  headers: Headers;
}

let redisServer: OwnRedis;
let proxy: Proxy;
let database: TestDatabase;
let admin: pg.Client;
let prefix: string;
let seed: ReturnType<OwnRedis['control']['duplicate']>;
/** A stuck row no action targets: its detail must read the same before and after every fault. */
let watchRow: string;
const handlers: Record<string, Record<string, Handler>> = {};
const table: Record<string, Record<string, string>> = {};
const recovery: Record<string, number> = {};
const logged: string[] = [];
const originalError = console.error;

const stuckKey = (fault: string) => `${prefix}idempotency:plain:stuck:${fault.replace(/\W+/g, '-')}`;
const stuckRows: Record<string, string> = {};

beforeAll(async () => {
  if (!HAS_REDIS_SERVER) return;
  const port = await sparePort(PREFERRED_REDIS_PORT);
  redisServer = await startOwnRedis(port);
  proxy = await startProxy(port);
  database = await createTestDatabase('faults');
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  prefix = `t:faults:${randomUUID().slice(0, 6)}:`;
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    REDIS_URL: `redis://127.0.0.1:${proxy.port}/11`,
    IDEMSCOPE_KEY_PATTERNS: `${prefix}idempotency:*`,
    IDEMSCOPE_STATS_PREFIX: `${prefix}stats:`,
    IDEMSCOPE_OPERATOR_TOKEN: OPERATOR,
    IDEMSCOPE_VIEWER_TOKEN: '',
    IDEMSCOPE_SESSION_SECRET: '',
    IDEMSCOPE_READ_ONLY: '0',
    IDEMSCOPE_AUTH_DISABLED: '0',
    IDEMSCOPE_ACTION_RATE_LIMIT: '10000',
    IDEMSCOPE_SCAN_INTERVAL_SECONDS: '1',
    IDEMSCOPE_AGGREGATE_CACHE_SECONDS: '0',
    IDEMSCOPE_PG_POOL_SIZE: String(POOL_SIZE),
    IDEMSCOPE_PURGE_BATCH_SIZE: '100',
  });
  console.error = (...args: unknown[]) => {
    logged.push(args.map(String).join(' '));
  };

  seed = redisServer.control.duplicate({ database: 11 });
  seed.on('error', () => undefined);
  await seed.connect();
  watchRow = randomUUID();
  await admin.query(
    `INSERT INTO processed_messages (message_id, status, consumer, claimed_at, processed_at, last_seen_at, lease_expires_at, owner_token)
     VALUES ($1, 'processing', 'billing', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour', now() - interval '50 minutes', 'owner-w')`,
    [watchRow],
  );
  for (const fault of FAULTS) {
    // The plain recipe's claim, taken 1,000 s ago and never finished: stuck.
    await seed.set(stuckKey(fault), 'processing', { EX: 86_400 - 1000 });
    const id = randomUUID();
    stuckRows[fault] = id;
    await admin.query(
      `INSERT INTO processed_messages (message_id, status, consumer, claimed_at, processed_at, last_seen_at, lease_expires_at, owner_token)
       VALUES ($1, 'processing', 'billing', now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour', now() - interval '50 minutes', 'owner-x')`,
      [id],
    );
  }

  const modules = {
    health: import('../../app/api/v1/health/route'),
    overview: import('../../app/api/v1/overview/route'),
    keys: import('../../app/api/v1/keys/route'),
    key: import('../../app/api/v1/keys/[key]/route'),
    messages: import('../../app/api/v1/messages/route'),
    message: import('../../app/api/v1/messages/[id]/route'),
    duplicates: import('../../app/api/v1/stats/duplicates/route'),
    expiry: import('../../app/api/v1/expiry/route'),
    lookup: import('../../app/api/v1/lookup/route'),
    metrics: import('../../app/api/metrics/route'),
    jobs: import('../../app/api/v1/purge/jobs/route'),
    job: import('../../app/api/v1/purge/[jobId]/route'),
    keysRelease: import('../../app/api/v1/keys/release/route'),
    messagesRelease: import('../../app/api/v1/messages/release/route'),
    purge: import('../../app/api/v1/purge/route'),
  };
  for (const [name, mod] of Object.entries(modules)) handlers[name] = (await mod) as unknown as Record<string, Handler>;
  // A first complete keyspace pass, so that a fault meets figures to go stale.
  await waitUntil(async () => ((await call(readCalls('none')[1]!)).body as OverviewResponse).redis.snapshot.status === 'complete', 10_000);
}, 60_000);

afterAll(async () => {
  console.error = originalError;
  if (!HAS_REDIS_SERVER) return;
  const { shutdownDashboard } = await import('../../lib/dashboard/context');
  const { disconnectPrisma } = await import('../../lib/db/prisma');
  const { disconnectRedis } = await import('../../lib/stores/redis/connection');
  await shutdownDashboard();
  await disconnectPrisma();
  await disconnectRedis();
  seed?.destroy();
  await admin?.end();
  await database?.drop();
  await proxy?.close();
  await redisServer?.stop();
  printTable();
});

async function call(c: Call): Promise<Answer> {
  const headers: Record<string, string> = { host: 'dash.test:3000', authorization: `Bearer ${OPERATOR}` };
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  const request = new Request(`${ORIGIN}${c.path}`, { method: c.method, headers, body: c.body === undefined ? undefined : JSON.stringify(c.body) });
  const started = performance.now();
  const response = await handlers[c.name]![c.method]!(request, c.params ? { params: Promise.resolve(c.params) } : undefined);
  const text = await response.text();
  const ms = performance.now() - started;
  const json = response.headers.get('content-type')?.includes('json');
  return { status: response.status, ms, body: json ? JSON.parse(text) : text, headers: response.headers };
}

function readCalls(fault: string): Call[] {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  return [
    { name: 'health', method: 'GET', path: '/api/v1/health' },
    { name: 'overview', method: 'GET', path: '/api/v1/overview' },
    { name: 'overview', method: 'GET', path: '/api/v1/overview?fresh=1' },
    { name: 'keys', method: 'GET', path: '/api/v1/keys?limit=20' },
    { name: 'key', method: 'GET', path: `/api/v1/keys/${encodeURIComponent(stuckKey(fault))}`, params: { key: stuckKey(fault) } },
    { name: 'messages', method: 'GET', path: '/api/v1/messages?limit=20' },
    { name: 'message', method: 'GET', path: `/api/v1/messages/${watchRow}`, params: { id: watchRow } },
    { name: 'duplicates', method: 'GET', path: `/api/v1/stats/duplicates?bucket=minute&from=${from}` },
    { name: 'expiry', method: 'GET', path: '/api/v1/expiry?store=redis' },
    { name: 'expiry', method: 'GET', path: '/api/v1/expiry?store=postgres' },
    { name: 'lookup', method: 'GET', path: `/api/v1/lookup?q=${encodeURIComponent(stuckKey(fault))}` },
    { name: 'metrics', method: 'GET', path: '/api/metrics' },
    { name: 'jobs', method: 'GET', path: '/api/v1/purge/jobs' },
  ];
}

function actionCalls(fault: string): Call[] {
  return [
    { name: 'keysRelease', method: 'POST', path: '/api/v1/keys/release', body: { keys: [stuckKey(fault)], dryRun: true } },
    { name: 'keysRelease', method: 'POST', path: '/api/v1/keys/release', body: { keys: [stuckKey(fault)] } },
    { name: 'messagesRelease', method: 'POST', path: '/api/v1/messages/release', body: { keys: [stuckRows[fault]] } },
    { name: 'purge', method: 'POST', path: '/api/v1/purge', body: { store: 'redis', dryRun: true } },
    { name: 'purge', method: 'POST', path: '/api/v1/purge', body: { store: 'postgres', dryRun: true } },
  ];
}

const label = (c: Call) => {
  if (c.path.endsWith('fresh=1')) return 'overview?fresh=1';
  if (c.name === 'expiry') return `expiry?store=${c.path.split('store=')[1]}`;
  if (c.name === 'keysRelease' || c.name === 'purge') {
    const body = c.body as { dryRun?: boolean; store?: string };
    return `${c.name === 'purge' ? `purge ${body.store}` : 'keys/release'}${body.dryRun ? ' (dry run)' : ''}`;
  }
  if (c.name === 'messagesRelease') return 'messages/release';
  return c.name;
};

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check().catch(() => false))) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return performance.now() - started;
}

type Store = 'redis' | 'postgres';

/** Every route under the fault: in time, never 500, and for the faulted store 503 or figures marked as not live. */
async function underFault(fault: string, store: Store): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  const calls = [...readCalls(fault), ...actionCalls(fault)];
  // Side by side, as a dashboard and a script would call them during an incident.
  const results = await Promise.all(calls.map(async (c) => [label(c), await call(c)] as const));
  table[fault] = {};
  for (const [name, answer] of results) {
    answers.set(name, answer);
    table[fault][name] = `${answer.status} ${(answer.ms / 1000).toFixed(2)} s`;
    expect(answer.ms, `${fault}: ${name} took ${Math.round(answer.ms)} ms`).toBeLessThan(DEADLINE_MS);
    expect([200, 202, 503], `${fault}: ${name} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`).toContain(answer.status);
    if (answer.status === 503) {
      const message = (answer.body as { error: { message: string } }).error.message;
      // The store that is down, never the other one.
      expect(message).toMatch(store === 'redis' ? /^Redis is unavailable: / : /^PostgreSQL is unavailable: /);
      expect(message).not.toMatch(/is unavailable: .*is unavailable/);
      expect(message).not.toMatch(/Raw query failed|Code: |postgresql:\/\//);
    }
  }
  return answers;
}

function expectRedisNotLive(answers: Map<string, Answer>, fault: string) {
  const overview = answers.get('overview')!;
  expect(overview.status).toBe(200);
  const o = overview.body as OverviewResponse;
  expect(o.redis.freshness?.state, fault).not.toBe('live');
  expect(o.redis.freshness?.unavailableSince).toBeTruthy();
  expect(o.postgres.freshness?.state).toBe('live');
  expect(o.deliveries.missing).toContain('redis');
  expect((answers.get('health')!.body as HealthResponse).status).toBe('degraded');
  for (const name of ['overview?fresh=1', 'keys', 'key', 'keys/release', 'keys/release (dry run)', 'purge redis (dry run)']) {
    expect(answers.get(name)!.status, `${fault}: ${name}`).toBe(503);
  }
  const lookup = answers.get('lookup')!.body as LookupResponse;
  expect(lookup.redis.reachable).toBe(false);
  expect(lookup.redis.matches).toEqual([]);
  const metrics = answers.get('metrics')!.body as string;
  expect(metrics).toMatch(/^idemscope_store_up\{store="redis"\} 0$/m);
  expect(metrics).not.toMatch(/^idemscope_records\{store="redis"/m);
  expect(answers.get('duplicates')!.headers.get('x-idemscope-sources-missing')).toBe('redis');
  // Postgres answers, so its figures and its actions stand.
  expect(answers.get('messages')!.status).toBe(200);
  expect(answers.get('messages/release')!.status).toBe(200);
}

function expectPostgresNotLive(answers: Map<string, Answer>, fault: string) {
  const o = answers.get('overview')!.body as OverviewResponse;
  expect(answers.get('overview')!.status).toBe(200);
  expect(o.postgres.freshness?.state, fault).not.toBe('live');
  expect(o.postgres.reachable).toBe(false);
  // The Redis panel still comes from Redis.
  expect(o.redis.freshness?.state).toBe('live');
  expect(o.redis.stuck).toBeGreaterThan(0);
  // Every action claims its action id in Postgres first: none may report success.
  for (const name of ['keys/release', 'messages/release']) expect(answers.get(name)!.status, `${fault}: ${name}`).toBe(503);
  expect(answers.get('messages')!.status).toBe(503);
  expect(answers.get('message')!.status).toBe(503);
}

/** After the fault: how long until every route is correct again, then that they are. */
async function recovered(fault: string): Promise<void> {
  const ms = await waitUntil(async () => {
    const health = (await call(readCalls(fault)[0]!)).body as HealthResponse;
    const overview = (await call(readCalls(fault)[1]!)).body as OverviewResponse;
    return health.status === 'ok' && overview.redis.freshness?.state === 'live' && overview.postgres.freshness?.state === 'live';
  }, 20_000);
  recovery[fault] = ms;
  for (const c of readCalls(fault)) {
    const answer = await call(c);
    expect(answer.status, `${fault} after: ${label(c)}`).toBe(200);
  }
  const key = await call(readCalls(fault).find((c) => c.name === 'key')!);
  expect((key.body as { state: string }).state).toBe('stuck');
  const message = await call(readCalls(fault).find((c) => c.name === 'message')!);
  expect((message.body as { state: string }).state).toBe('stuck');
}

const FAULTS = ['redis paused', 'redis sleeping', 'redis black-holed', 'redis out of memory', 'table locked', 'pool exhausted'] as const;

// The suite needs a redis-server of its own to pause, sleep and fill; without the binary it cannot run.
describe.skipIf(!HAS_REDIS_SERVER)('the dashboard during an incident', { timeout: 90_000 }, () => {
  it('Redis paused (CLIENT PAUSE ALL): Redis figures stale, Redis actions refused, Postgres unaffected', async () => {
    const fault = 'redis paused';
    await redisServer.control.sendCommand(['CLIENT', 'PAUSE', '8000', 'ALL']);
    try {
      expectRedisNotLive(await underFault(fault, 'redis'), fault);
    } finally {
      await redisServer.control.sendCommand(['CLIENT', 'UNPAUSE']);
    }
    // The refused release is audited as failed, with the store's reason, never as ok.
    const { rows } = await admin.query(`SELECT outcome, result FROM idemscope.audit_log WHERE action = 'keys.release' ORDER BY id DESC LIMIT 1`);
    expect(rows[0]).toMatchObject({ outcome: 'error', result: { error: 'store unavailable', store: 'redis', reason: expect.stringMatching(/^Redis is unavailable: /) } });
    await recovered(fault);
  });

  it('Redis sleeping (DEBUG SLEEP): the same', async () => {
    const fault = 'redis sleeping';
    const sleeper = redisServer.control.duplicate();
    sleeper.on('error', () => undefined);
    await sleeper.connect();
    const sleeping = sleeper.sendCommand(['DEBUG', 'SLEEP', '7']).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      expectRedisNotLive(await underFault(fault, 'redis'), fault);
    } finally {
      await sleeping;
      sleeper.destroy();
    }
    await recovered(fault);
  });

  it('Redis black-holed (accepts, never answers): the same, and the reset connection comes back', async () => {
    const fault = 'redis black-holed';
    proxy.blackHole();
    try {
      expectRedisNotLive(await underFault(fault, 'redis'), fault);
    } finally {
      proxy.heal();
    }
    await recovered(fault);
  });

  it('Redis out of memory (noeviction): health and the overview warn that new claims fail', async () => {
    const fault = 'redis out of memory';
    await redisServer.control.configSet({ maxmemory: '1', 'maxmemory-policy': 'noeviction' });
    let answers: Map<string, Answer>;
    try {
      answers = await underFault(fault, 'redis');
    } finally {
      await redisServer.control.configSet({ maxmemory: '0' });
    }
    const health = answers.get('health')!.body as HealthResponse;
    expect(health.status).toBe('degraded');
    expect(health.redis.memoryWarning).toMatch(/noeviction\): new claims fail/);
    expect((answers.get('overview')!.body as OverviewResponse).health.redis.memoryWarning).toMatch(/new claims fail/);
    // A release deletes, which Redis allows under OOM; it reports success only as Redis confirms it.
    const release = answers.get('keys/release')!;
    expect([200, 503]).toContain(release.status);
    if (release.status === 200) {
      expect((release.body as { released: string[] }).released).toEqual([stuckKey(fault)]);
      expect(await seed.exists(stuckKey(fault))).toBe(0);
      await seed.set(stuckKey(fault), 'processing', { EX: 86_400 - 1000 });
    } else expect(await seed.get(stuckKey(fault))).toBe('processing');
    await recovered(fault);
  });

  it('a table locked (LOCK TABLE … ACCESS EXCLUSIVE): Postgres 503 or stale, Redis live; a purge waits and finishes by itself', async () => {
    const fault = 'table locked';
    const expired = 450;
    await admin.query(
      `INSERT INTO processed_messages (message_id, status, consumer, claimed_at, processed_at, last_seen_at)
       SELECT gen_random_uuid(), 'completed', 'billing', now() - interval '100 hours', now() - interval '100 hours', now() - interval '100 hours'
       FROM generate_series(1, ${expired})`,
    );
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE processed_messages IN ACCESS EXCLUSIVE MODE');
    const { prisma } = await import('../../lib/db/prisma');
    const { startPurgeJob, purgeRunSettled } = await import('../../lib/stores/postgres/purge-jobs');
    const { purgeableCondition } = await import('../../lib/stores/postgres/rules');
    let job: PurgeJobView;
    try {
      // Started directly: the action would first count the locked table for its preview.
      const target = { table: 'public.processed_messages', condition: purgeableCondition(72) };
      job = await startPurgeJob(prisma(), { actor: 'operator#faults', batchSize: 100, target, estimatedTotal: expired, estimated: false });
      expectPostgresNotLive(await underFault(fault, 'postgres'), fault);
      const status = await call({ name: 'job', method: 'GET', path: `/api/v1/purge/${job.jobId}`, params: { jobId: job.jobId } });
      table[fault]!['purge/<job>'] = `${status.status} ${(status.ms / 1000).toFixed(2)} s`;
      expect(status.ms).toBeLessThan(DEADLINE_MS);
      expect(status.body).toMatchObject({ status: 'waiting', error: 'waiting: table locked', purged: 0 });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await purgeRunSettled(job.jobId);
    const done = await call({ name: 'job', method: 'GET', path: `/api/v1/purge/${job.jobId}`, params: { jobId: job.jobId } });
    expect(done.body).toMatchObject({ status: 'completed', purged: expired, error: null });
    await recovered(fault);
  });

  it('the pool exhausted: Postgres calls give up after the acquire timeout, Redis live', async () => {
    const fault = 'pool exhausted';
    const { prisma } = await import('../../lib/db/prisma');
    let holding = true;
    // Keeps every pooled connection busy, one sleep after another, for the length of the fault.
    const hogs = Array.from({ length: POOL_SIZE }, async () => {
      while (holding) await prisma().$queryRawUnsafe('SELECT pg_sleep(2.5)').catch(() => undefined);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const answers = await underFault(fault, 'postgres');
      const o = answers.get('overview')!.body as OverviewResponse;
      expect(o.redis.freshness?.state).toBe('live');
      // A call that got a connection between two sleeps answers for real; any other is refused.
      const release = answers.get('messages/release')!;
      if (release.status === 200) expect((release.body as { released: string[] }).released).toEqual([stuckRows[fault]]);
      const released = await admin.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [stuckRows[fault]]);
      expect(released.rowCount).toBe(release.status === 200 ? 0 : 1);
    } finally {
      holding = false;
      await Promise.all(hogs);
    }
    await recovered(fault);
  });

  it('says each fault once, in one line, without a stack trace or a repeated prefix', () => {
    for (const line of logged) {
      expect(line).not.toMatch(/\n\s+at /);
      expect(line).not.toMatch(/is unavailable: .*is unavailable/);
    }
  });
});

function printTable(): void {
  const routes = [...new Set(Object.values(table).flatMap((row) => Object.keys(row)))];
  const lines = [`| route | ${Object.keys(table).join(' | ')} |`, `| --- | ${Object.keys(table).map(() => '---').join(' | ')} |`];
  for (const route of routes) lines.push(`| ${route} | ${Object.keys(table).map((f) => table[f]![route] ?? '').join(' | ')} |`);
  lines.push(`| recovery | ${Object.keys(table).map((f) => (recovery[f] === undefined ? '' : `${(recovery[f]! / 1000).toFixed(1)} s`)).join(' | ')} |`);
  originalError(`\nfault × route (status, seconds):\n${lines.join('\n')}\n`);
}

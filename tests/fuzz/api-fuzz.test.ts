import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { NextRequest } from 'next/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { disconnectPrisma } from '../../lib/db/prisma';
import { API_ROUTES } from '../../lib/http/routes';
import { disconnectRedis } from '../../lib/stores/redis/connection';
import { proxy } from '../../proxy';
import { OPERATOR_TOKEN, VIEWER_TOKEN, fromSocket, useAppEnvironment } from '../auth/app-env';
import type { TestDatabase } from '../helpers/postgres';
import { deleteByPrefix, keysByPrefix, newRedisClient, type TestRedisClient } from '../helpers/redis-client';

/**
 * Generated bad values, sent to every parameter of every API route, as a
 * viewer and as an operator, through the proxy and the real route handlers
 * over real stores. Never a 500; every refusal is `{error:{code,message}}`
 * and leaves both stores as they were; every action that ran is audited
 * twice (intent and outcome). Bounded by time, in a fixed order.
 */
const BUDGET_MS = Number(process.env.IDEMSCOPE_FUZZ_MS ?? 50_000);
const ORIGIN = 'http://dash.test:3000';

let database: TestDatabase;
let prefix: string;
let redis: TestRedisClient;
let pool: pg.Pool;
const modules = new Map<string, Record<string, (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>>>();

beforeAll(async () => {
  ({ database, prefix } = await useAppEnvironment('fuzz', { IDEMSCOPE_FRESH_TIMEOUT_SECONDS: '5', IDEMSCOPE_SCAN_INTERVAL_SECONDS: '1', IDEMSCOPE_ACTION_RATE_LIMIT: '1000000' }));
  redis = await newRedisClient();
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  for (const route of API_ROUTES) modules.set(route.path, await import(/* @vite-ignore */ path.resolve(__dirname, `../../app${route.path}/route.ts`)));
  for (let i = 0; i < 20; i++) await redis.set(`${prefix}idempotency:stuck-${i}`, 'processing', { EX: 3600 });
  await redis.set(`${prefix}idempotency:done`, JSON.stringify({ status: 'completed', result: { ok: true } }));
  for (let i = 0; i < 10; i++) {
    await pool.query(
      `INSERT INTO processed_messages (message_id, consumer, status, owner_token, claimed_at, processed_at, lease_expires_at)
       VALUES ($1, 'billing', 'processing', $2, now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 minute')`,
      [randomUUID(), randomUUID()],
    );
  }
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  const { shutdownDashboard } = await import('../../lib/dashboard/context');
  await shutdownDashboard?.();
  await deleteByPrefix(redis, prefix);
  redis.destroy();
  await pool.end();
  await disconnectRedis();
  await disconnectPrisma();
  await database.drop();
}, 60_000);

/** A small deterministic generator, so that a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Bad text, as it arrives in a query string or path after percent-decoding (raw escapes are sent as-is). */
const TEXT = [
  '', ' ', 'a\u0000b', '\u0000', '%00', '%ff', '%c3%28', '%ed%a0%80', '%', '%zz', '\ufffd', '💥', '\u202e', '\ud800',
  '99999999999999999999', '9223372036854775808', '18446744073709551616', '-1', '0', '1e308', '1e-7', 'NaN', 'Infinity', '0x10', '1.5', ' 5',
  'x'.repeat(513), 'x'.repeat(5000), 'x'.repeat(70_000),
  '*', '?', '[a-z]', '\\', 'idempotency:*', `${'*'.repeat(50)}`, '[^]', '{a,b}',
  '../../etc/passwd', "'; DROP TABLE audit_log; --", 'true', 'null', '{}', '[]', '__proto__', 'constructor',
  '2026-13-45T99:99:99Z', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '1970-01-01T00:00:00Z',
];
const CURSORS = [
  b64({ p: 0, c: '0', o: 0, n: 1_000_000_000 }),
  b64({ p: 0, c: '99999999999999999999999999', o: 0, n: 10 }),
  b64({ c: '99999999999999999999999999' }),
  b64({ p: -1, c: '0', o: 0, n: 1 }),
  b64({ p: 1e10, c: '0', o: 0, n: 1 }),
  b64({ p: 0, c: '0', o: 1e15, n: 1 }),
  b64({ p: 0, c: '0', o: 0, n: 1.5 }),
  b64({ p: 0, c: '18446744073709551616', o: 0, n: 1 }),
  b64({ p: 0, c: '0', o: 0, n: 1, extra: 1 }),
  b64({ s: 'all', at: 'not-a-date', id: 'x' }),
  b64({ s: 'all', at: '9999-12-31T23:59:59Z', id: randomUUID() }),
  b64({ s: 'x'.repeat(5000), at: '2026-01-01T00:00:00Z', id: randomUUID() }),
  b64({ __proto__: { p: 0 } }),
  b64('\u0000'),
  b64('[1,2,3]'),
  b64('null'),
  'not base64 !!!',
  b64('x'.repeat(1500)),
];

/** Bad JSON values for body fields. */
const VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, '5', '', 'a\u0000b', 'x'.repeat(5000), [], {}, [null], [[]], ['a\u0000b'],
  [{ key: 'k', seen: 'zz' }], [{ key: 'a\u0000b', seen: 'a'.repeat(40) }], Array.from({ length: 60 }, (_, i) => `${i}`), { __proto__: { dryRun: false } },
  'idempotency:*', '*', randomUUID(), 'not-a-uuid',
];

interface Attempt {
  label: string;
  method: string;
  /** Raw, as sent on the wire (escapes and all). */
  path: string;
  query?: Record<string, string>;
  body?: string | Uint8Array;
  role: 'viewer' | 'operator' | 'none';
  actionId?: string;
}

const QUERY_PARAMS: Record<string, string[]> = {
  '/api/v1/overview': ['fresh'],
  '/api/v1/keys': ['state', 'pattern', 'consumer', 'from', 'to', 'time', 'search', 'match', 'cursor', 'limit'],
  '/api/v1/keys/[key]': ['fingerprint'],
  '/api/v1/messages': ['state', 'consumer', 'from', 'to', 'time', 'search', 'match', 'sort', 'cursor', 'limit'],
  '/api/v1/messages/[id]': ['fingerprint'],
  '/api/v1/stats/duplicates': ['from', 'to', 'bucket', 'consumer', 'groupBy', 'store'],
  '/api/v1/expiry': ['store', 'bucket', 'horizon'],
  '/api/v1/lookup': ['q'],
  '/api/v1/audit': ['cursor', 'limit', 'action', 'actor', 'outcome', 'from', 'to', 'format'],
};
const BODY_FIELDS: Record<string, { valid: Record<string, unknown>; fields: string[] }> = {
  '/api/v1/keys/release': { valid: { keys: [], reason: 'fuzz' }, fields: ['keys', 'olderThanSeconds', 'dryRun', 'reason', 'actionId'] },
  '/api/v1/messages/release': { valid: { olderThanSeconds: 600, reason: 'fuzz' }, fields: ['keys', 'olderThanSeconds', 'dryRun', 'reason', 'actionId'] },
  '/api/v1/purge': { valid: { store: 'redis', dryRun: true }, fields: ['store', 'dryRun', 'mode', 'keys', 'reason', 'actionId'] },
  '/api/v1/purge/[jobId]/cancel': { valid: {}, fields: ['actionId'] },
  '/api/v1/purge/[jobId]/resume': { valid: {}, fields: ['actionId'] },
  '/api/v1/sessions/end-all': { valid: { reason: 'fuzz' }, fields: ['reason', 'actionId'] },
  '/api/auth/login': { valid: { token: 'wrong-token-wrong-token' }, fields: ['token'] },
  '/api/auth/logout': { valid: {}, fields: [] },
};
const PATH_VALUES = ['%ff', '%c3%28', 'a%00b', '%2e%2e', 'x'.repeat(5000), '%E2%9C%93', randomUUID(), 'idempotency:%2a', '%25ff'];

function attempts(): Attempt[] {
  const list: Attempt[] = [];
  const roles = ['viewer', 'operator'] as const;
  for (const route of API_ROUTES) {
    const dynamic = route.path.includes('[');
    const pathsFor = (value?: string) => route.path.replace(/\[[^\]]+\]/, value ?? randomUUID());
    for (const role of roles) {
      for (const bad of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) list.push({ label: `${bad} ${route.path}`, method: bad, path: pathsFor(), role });
      if (dynamic) for (const value of [...PATH_VALUES, ...TEXT.map(encodeSafely)].filter(Boolean)) for (const method of route.methods) list.push({ label: `${method} ${route.path} path=${value.slice(0, 30)}`, method, path: pathsFor(value), body: '{}', role });
      for (const name of QUERY_PARAMS[route.path] ?? []) {
        for (const value of [...TEXT, ...(name === 'cursor' ? CURSORS : [])]) list.push({ label: `GET ${route.path}?${name}=${value.slice(0, 30)}`, method: 'GET', path: pathsFor(`${prefix}idempotency:stuck-1`), query: { [name]: value }, role });
      }
      const spec = BODY_FIELDS[route.path];
      if (spec) {
        list.push({ label: `POST ${route.path} valid`, method: 'POST', path: pathsFor(), body: JSON.stringify(spec.valid), role });
        for (const field of spec.fields) {
          for (const value of VALUES) list.push({ label: `POST ${route.path} ${field}=${JSON.stringify(value)?.slice(0, 30)}`, method: 'POST', path: pathsFor(), body: JSON.stringify({ ...spec.valid, [field]: value }), role });
        }
        for (const body of ['', 'not json', '{"a":', '[]', 'null', '"x"', '1e999', '{"keys":' + '['.repeat(5000) + ']'.repeat(5000) + '}', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])]) {
          list.push({ label: `POST ${route.path} raw body`, method: 'POST', path: pathsFor(), body, role });
        }
      }
    }
  }
  // Actions that really run, so that their audit entries can be checked.
  for (let i = 0; i < 5; i++) {
    list.push({ label: 'release a stuck key', method: 'POST', path: '/api/v1/keys/release', body: JSON.stringify({ keys: [`${prefix}idempotency:stuck-${i}`] }), role: 'operator' });
  }
  list.push({ label: 'release stuck rows', method: 'POST', path: '/api/v1/messages/release', body: JSON.stringify({ olderThanSeconds: 600, reason: 'fuzz' }), role: 'operator' });
  return list;
}

/** Requests with two or three bad parameters at once, drawn from the same values. */
function combinations(random: () => number, count: number): Attempt[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const list: Attempt[] = [];
  const queried = Object.keys(QUERY_PARAMS);
  const posted = Object.keys(BODY_FIELDS).filter((p) => BODY_FIELDS[p]!.fields.length > 0);
  while (list.length < count) {
    const role = random() < 0.5 ? 'viewer' : 'operator';
    if (random() < 0.5) {
      const route = pick(queried);
      const query: Record<string, string> = {};
      for (let n = 2 + Math.floor(random() * 2); n > 0; n--) {
        const name = pick(QUERY_PARAMS[route]!);
        query[name] = pick(name === 'cursor' ? [...TEXT, ...CURSORS] : TEXT);
      }
      list.push({ label: `GET ${route} ${JSON.stringify(query).slice(0, 60)}`, method: 'GET', path: route.replace(/\[[^\]]+\]/, encodeSafely(pick(TEXT)) || 'x'), query, role });
    } else {
      const route = pick(posted);
      const body: Record<string, unknown> = { ...BODY_FIELDS[route]!.valid };
      for (let n = 2 + Math.floor(random() * 2); n > 0; n--) body[pick(BODY_FIELDS[route]!.fields)] = pick(VALUES);
      list.push({ label: `POST ${route} ${JSON.stringify(body).slice(0, 60)}`, method: 'POST', path: route.replace(/\[[^\]]+\]/, randomUUID()), body: JSON.stringify(body), role });
    }
  }
  return list;
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as the escape a client could send anyway. */
function encodeSafely(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ed%a0%80';
  }
}

/** Values that are escapes already: sent as typed, so that the server sees invalid UTF-8 or a stray `%`. */
const RAW = new Set(['%00', '%ff', '%c3%28', '%ed%a0%80', '%', '%zz']);

function buildUrl(attempt: Attempt): string {
  const query = Object.entries(attempt.query ?? {})
    .map(([k, v]) => `${k}=${RAW.has(v) ? v : encodeSafely(v)}`)
    .join('&');
  return `${ORIGIN}${attempt.path}${query ? `?${query}` : ''}`;
}

function paramsOf(routePath: string, rawPath: string): Record<string, string> {
  const names = routePath.split('/').filter(Boolean);
  const values = rawPath.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    if (name.startsWith('[')) params[name.slice(1, -1)] = decodeURIComponent(values[i]!);
  });
  return params;
}

async function storeFingerprint(): Promise<string> {
  const keys = (await keysByPrefix(redis, prefix)).filter((k) => !k.startsWith(`${prefix}stats:`)).sort();
  const values = keys.length ? await redis.mGet(keys) : [];
  const { rows } = await pool.query(`SELECT count(*)::int AS n, coalesce(md5(string_agg(message_id::text || status || coalesce(owner_token, ''), ',' ORDER BY message_id)), '') AS h FROM processed_messages`);
  const sessions = await pool.query('SELECT count(*)::int AS n FROM idemscope.dashboard_sessions');
  const jobs = await pool.query('SELECT count(*)::int AS n FROM idemscope.purge_jobs');
  return createHash('sha256').update(JSON.stringify([keys, values, rows[0], sessions.rows[0], jobs.rows[0]])).digest('hex');
}

describe('fuzzing every API route', () => {
  it('never answers 500, always refuses with {error:{code,message}} and no store change, and audits every action that ran', async () => {
    const random = prng(11);
    const list = attempts();
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    // The actions that must run go first, before other requests release what they target.
    list.sort((a, b) => Number(b.label.startsWith('release ')) - Number(a.label.startsWith('release ')));
    // Then, for the rest of the budget, several bad values at once.
    list.push(...combinations(random, 20_000));

    const started = Date.now();
    const failures: string[] = [];
    let tried = 0;
    let serverErrors = 0;
    let executed = 0;
    const byStatus = new Map<number, number>();
    for (const attempt of list) {
      if (Date.now() - started > BUDGET_MS) break;
      tried++;
      const headers: Record<string, string> = { host: 'dash.test:3000', ...fromSocket('203.0.113.50') };
      if (attempt.role !== 'none') headers.authorization = `Bearer ${attempt.role === 'operator' ? OPERATOR_TOKEN : VIEWER_TOKEN}`;
      const mutation = attempt.method === 'POST';
      const actionId = mutation ? randomUUID() : undefined;
      if (mutation) {
        headers['content-type'] = 'application/json';
        headers['idempotency-key'] = actionId!;
      }
      const url = buildUrl(attempt);
      const init = { method: attempt.method, headers, body: mutation ? (attempt.body as BodyInit | undefined) : undefined };
      const before = mutation ? await storeFingerprint() : null;

      let response: Response;
      try {
        const passed = await proxy(new NextRequest(url, init));
        if (passed.headers.get('x-middleware-next') !== '1') response = passed;
        else {
          const route = API_ROUTES.find((r) => new RegExp(`^${r.path.replace(/\[[^\]]+\]/g, '[^/]+')}$`).test(attempt.path))!;
          const handler = modules.get(route.path)![attempt.method];
          response = await handler!(new Request(url, init), { params: Promise.resolve(paramsOf(route.path, attempt.path)) });
        }
      } catch (error) {
        failures.push(`${attempt.label}: threw ${(error as Error).message}`);
        continue;
      }
      byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
      const text = await response.text();
      if (response.status >= 500 && response.status !== 503) {
        serverErrors++;
        failures.push(`${attempt.label} (${attempt.role}): ${response.status} ${text.slice(0, 200)}`);
        continue;
      }
      if (response.status >= 400) {
        let body: { error?: { code?: unknown; message?: unknown } } = {};
        try {
          body = JSON.parse(text);
        } catch {
          /* judged below */
        }
        if (typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string') failures.push(`${attempt.label}: ${response.status} without {error:{code,message}}: ${text.slice(0, 120)}`);
        if (before !== null && (await storeFingerprint()) !== before) failures.push(`${attempt.label}: refused with ${response.status} but the stores changed`);
        continue;
      }
      if (mutation && !attempt.path.startsWith('/api/auth/')) {
        const json = JSON.parse(text) as { dryRun?: boolean };
        if (json.dryRun) continue;
        const { rows } = await pool.query('SELECT outcome FROM idemscope.audit_log WHERE action_id = $1 ORDER BY id', [actionId]);
        const outcomes = rows.map((r: { outcome: string }) => r.outcome);
        if (outcomes[0] !== 'intent' || !['ok', 'started', 'error'].includes(outcomes[1] ?? '')) failures.push(`${attempt.label}: ran, audited as ${JSON.stringify(outcomes)}`);
        else executed++;
      }
    }
    console.info(
      `[fuzz] ${tried} of ${list.length} requests in ${Date.now() - started} ms; 500s: ${serverErrors}; actions run and audited: ${executed}; statuses ${JSON.stringify(Object.fromEntries(byStatus))}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(tried).toBeGreaterThan(1000);
    expect(executed).toBeGreaterThanOrEqual(5);
  }, BUDGET_MS + 60_000);
});

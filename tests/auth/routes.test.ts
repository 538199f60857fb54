import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as login from '../../app/api/auth/login/route';
import * as logout from '../../app/api/auth/logout/route';
import * as session from '../../app/api/auth/session/route';
import * as audit from '../../app/api/v1/audit/route';
import * as keysRelease from '../../app/api/v1/keys/release/route';
import * as messagesRelease from '../../app/api/v1/messages/release/route';
import * as purge from '../../app/api/v1/purge/route';
import * as purgeJob from '../../app/api/v1/purge/[jobId]/route';
import * as purgeCancel from '../../app/api/v1/purge/[jobId]/cancel/route';
import { disconnectPrisma } from '../../lib/db/prisma';
import { disconnectRedis } from '../../lib/stores/redis/connection';
import type { TestDatabase } from '../helpers/postgres';
import { deleteByPrefix, newRedisClient, type TestRedisClient } from '../helpers/redis-client';
import { OPERATOR_TOKEN, VIEWER_TOKEN, bearer, fromSocket, get, params, post, sameOrigin, useAppEnvironment } from './app-env';

let database: TestDatabase;
let prefix: string;
let redis: TestRedisClient;
const logged: string[] = [];

beforeAll(async () => {
  ({ database, prefix } = await useAppEnvironment('routes'));
  redis = await newRedisClient();
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await deleteByPrefix(redis, prefix);
  redis.destroy();
  await disconnectRedis();
  await disconnectPrisma();
  await database.drop();
});

const key = (name: string) => `${prefix}idempotency:${name}`;
const json = async (response: Response) => ({ status: response.status, body: await response.json() });

async function signInCookie(token: string): Promise<string> {
  const response = await login.POST(post('/api/auth/login', { token }, { origin: 'http://dash.test:3000' }));
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('sign-in', () => {
  it('sets an httpOnly SameSite=Strict session cookie for a valid token', async () => {
    const response = await login.POST(post('/api/auth/login', { token: VIEWER_TOKEN }, sameOrigin));
    expect(await response.json()).toEqual({ role: 'viewer', readOnly: false });
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^idemscope_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(cookie).not.toContain(VIEWER_TOKEN);
  });

  it('marks the cookie Secure under https', async () => {
    const response = await login.POST(post('/api/auth/login', { token: VIEWER_TOKEN }, { 'x-forwarded-proto': 'https' }));
    expect(response.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('answers a bad token with 401 and a bad body with 400 naming the field', async () => {
    expect(await json(await login.POST(post('/api/auth/login', { token: 'wrong-token-wrong-token' }, sameOrigin)))).toEqual({
      status: 401,
      body: { error: { code: 'invalid_token', message: 'That access token is not valid.' } },
    });
    const bad = await json(await login.POST(post('/api/auth/login', { tokn: 'x' }, sameOrigin)));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^token: /);
  });

  it('refuses a sign-in posted from another site', async () => {
    expect((await login.POST(post('/api/auth/login', { token: VIEWER_TOKEN }, { origin: 'https://evil.example' }))).status).toBe(403);
    const form = post('/api/auth/login', `{"token":"${VIEWER_TOKEN}"}`, { 'content-type': 'text/plain' });
    expect((await login.POST(form)).status).toBe(403);
  });

  it('reports the session, with a CSRF token, and signs out', async () => {
    const cookie = await signInCookie(OPERATOR_TOKEN);
    const info = await json(await session.GET(get('/api/auth/session', { cookie })));
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ role: 'operator', readOnly: false, authDisabled: false, label: expect.stringMatching(/^operator#[0-9a-f]{8}$/) });
    expect(info.body.csrfToken).toEqual(expect.any(String));
    expect((await session.GET(get('/api/auth/session'))).status).toBe(401);
    const out = await logout.POST(post('/api/auth/logout', {}, { ...sameOrigin, cookie }));
    expect(out.headers.get('set-cookie')).toMatch(/^idemscope_session=; .*Max-Age=0/);
  });
});

describe('every mutation: POST only, signed in, same origin, operator', () => {
  const preview = (headers: Record<string, string>) => keysRelease.POST(post('/api/v1/keys/release', { keys: [key('k')], dryRun: true }, headers));

  it('answers 401 without credentials', async () => {
    const response = await preview(sameOrigin);
    expect(await json(response)).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
  });

  it('answers 403 to a viewer, by token or by session', async () => {
    expect(await json(await preview(bearer(VIEWER_TOKEN)))).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const cookie = await signInCookie(VIEWER_TOKEN);
    expect((await preview({ ...sameOrigin, cookie })).status).toBe(403);

    const refused = await json(await audit.GET(get('/api/v1/audit?outcome=refused&action=keys.release', bearer(VIEWER_TOKEN))));
    const byViewer = refused.body.items.filter((e: { role: string }) => e.role === 'viewer');
    expect(byViewer).toHaveLength(2);
    expect(byViewer[0]).toMatchObject({ actor: expect.stringMatching(/^viewer#/), result: { status: 403, code: 'forbidden' } });
  });

  it('answers 403 to a cross-site request riding the operator cookie', async () => {
    const cookie = await signInCookie(OPERATOR_TOKEN);
    const cases: Record<string, Record<string, string>> = {
      'foreign Origin': { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      'foreign Origin, lying Sec-Fetch-Site': { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
      'Sec-Fetch-Site cross-site': { cookie, origin: 'http://dash.test:3000', 'sec-fetch-site': 'cross-site' },
      'Origin null': { cookie, origin: 'null', 'sec-fetch-site': 'cross-site' },
      'Origin missing': { cookie, 'sec-fetch-site': 'same-origin' },
      'no Sec-Fetch-Site and no CSRF token': { cookie, origin: 'http://dash.test:3000' },
    };
    for (const [name, headers] of Object.entries(cases)) {
      expect(await json(await preview(headers)), name).toMatchObject({ status: 403, body: { error: { code: 'cross_site_request' } } });
    }
    expect((await preview({ ...sameOrigin, cookie })).status).toBe(200);
    expect((await preview(bearer(OPERATOR_TOKEN))).status).toBe(200);

    const refused = await json(await audit.GET(get('/api/v1/audit?outcome=refused', bearer(VIEWER_TOKEN))));
    const crossSite = refused.body.items.filter((e: { result: { code: string } }) => e.result.code === 'cross_site_request');
    expect(crossSite).toHaveLength(Object.keys(cases).length);
    expect(crossSite[0]).toMatchObject({ role: 'operator', action: 'keys.release' });
  });

  it('never mutates on GET: 405 on every action route, and the record is still there', async () => {
    await redis.set(key('still-here'), 'processing', { EX: 86_300 });
    const routes = [
      [keysRelease.GET, `/api/v1/keys/release?keys=${encodeURIComponent(key('still-here'))}`],
      [messagesRelease.GET, '/api/v1/messages/release'],
      [purge.GET, '/api/v1/purge?store=redis'],
      [purgeCancel.GET, `/api/v1/purge/${randomUUID()}/cancel`],
      [login.GET, '/api/auth/login'],
    ] as const;
    for (const [handler, path] of routes) {
      const response = await handler(get(path, bearer(OPERATOR_TOKEN)));
      expect(response.status, path).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
    expect(await redis.get(key('still-here'))).toBe('processing');
  });

  it('answers 400 naming the field for malformed input, and 413 over the bulk limit', async () => {
    const op = bearer(OPERATOR_TOKEN);
    const cases: [unknown, RegExp][] = [
      ['{not json', /^body: /],
      [{ keys: 'k' }, /^keys: /],
      [{ keys: [key('a')], olderThanSeconds: 5 }, /^keys: send either/],
      [{ keys: [{ key: key('a'), seen: 'nope' }] }, /^keys\.0\.seen: /],
      [{ keys: [key('a')], actionId: 'not-a-uuid' }, /^actionId: /],
      [{ keys: [key('a')], dryrun: true }, /^dryrun: is not a known field/],
      [{ keys: ['outside:pattern'], dryRun: true }, /^keys\.0: is not under IDEMSCOPE_KEY_PATTERNS/],
    ];
    for (const [body, message] of cases) {
      const answer = await json(await keysRelease.POST(post('/api/v1/keys/release', body, op)));
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('bad_request');
      expect(answer.body.error.message).toMatch(message);
    }
    const tooMany = await json(await keysRelease.POST(post('/api/v1/keys/release', { keys: Array.from({ length: 51 }, (_, i) => key(`n${i}`)), dryRun: true }, op)));
    expect(tooMany).toMatchObject({ status: 413, body: { error: { code: 'bulk_limit_exceeded' } } });
    expect(tooMany.body.error.message).toContain('at most 50');
    const badPurge = await json(await purge.POST(post('/api/v1/purge', { store: 'mysql' }, op)));
    expect(badPurge.status).toBe(400);
    expect(badPurge.body.error.message).toMatch(/^store: /);
  });
});

describe('text no store can hold', () => {
  it('is refused before anything runs, naming the field: a NUL in a reason, a key or a filter', async () => {
    await redis.set(key('nul-victim'), 'processing', { EX: 86_400 - 4000 });
    const op = bearer(OPERATOR_TOKEN);
    const before = await json(await audit.GET(get('/api/v1/audit?action=keys.release', op)));

    const withNulReason = await json(await keysRelease.POST(post('/api/v1/keys/release', { keys: [key('nul-victim')], reason: 'a\u0000b' }, op)));
    expect(withNulReason.status).toBe(400);
    expect(withNulReason.body.error).toMatchObject({ code: 'bad_request', parameter: 'reason' });
    const withNulKey = await json(await keysRelease.POST(post('/api/v1/keys/release', { keys: [`${key('nul-victim')}\u0000`] }, op)));
    expect(withNulKey.status).toBe(400);
    expect(withNulKey.body.error.parameter).toBe('keys.0');
    const nulPurge = await json(await purge.POST(post('/api/v1/purge', { store: 'postgres', reason: '\u0000' }, op)));
    expect(nulPurge.status).toBe(400);
    expect(nulPurge.body.error.parameter).toBe('reason');
    expect(await redis.get(key('nul-victim'))).toBe('processing');
    await redis.del(key('nul-victim'));

    const filter = await json(await audit.GET(get('/api/v1/audit?actor=a%00b', op)));
    expect(filter.status).toBe(400);
    expect(filter.body.error.parameter).toBe('actor');
    const after = await json(await audit.GET(get('/api/v1/audit?action=keys.release', op)));
    expect(after.body.items.length).toBe(before.body.items.length);
  });
});

describe('release over HTTP, preview to audit', () => {
  it('previews, confirms once per action id, and leaves an audit entry a viewer can read and export', async () => {
    await redis.set(key('stuck-1'), 'processing', { EX: 86_400 - 4000 });
    await redis.set(key('stuck-2'), 'processing', { EX: 86_400 - 4000 });
    const cookie = await signInCookie(OPERATOR_TOKEN);
    const op = { ...sameOrigin, cookie, ...fromSocket('203.0.113.9') };

    const preview = await json(await keysRelease.POST(post('/api/v1/keys/release', { olderThanSeconds: 3600, dryRun: true }, op)));
    expect(preview.status).toBe(200);
    expect(preview.body.wouldRelease.map((i: { key: string }) => i.key).sort()).toEqual([key('stuck-1'), key('stuck-2')]);

    const actionId = randomUUID();
    const confirm = () =>
      keysRelease.POST(
        post('/api/v1/keys/release', { keys: preview.body.wouldRelease.map(({ key: k, seen }: { key: string; seen: string }) => ({ key: k, seen })), reason: 'worker crash' }, {
          ...op,
          'idempotency-key': actionId,
        }),
      );
    const first = await confirm();
    const second = await confirm();
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    expect(second.headers.get('idempotency-replayed')).toBe('true');
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ actionId, store: 'redis', skipped: [] });
    expect(await second.json()).toEqual(firstBody);
    expect([...firstBody.released].sort()).toEqual([key('stuck-1'), key('stuck-2')]);
    expect(await redis.exists([key('stuck-1'), key('stuck-2')])).toBe(0);

    const viewer = bearer(VIEWER_TOKEN);
    const page = await json(await audit.GET(get('/api/v1/audit?action=keys.release', viewer)));
    const entries = page.body.items.filter((e: { actionId: string }) => e.actionId === actionId);
    expect(entries.map((e: { outcome: string }) => e.outcome)).toEqual(['ok', 'intent']);
    expect(entries[1]).toMatchObject({ reason: 'worker crash', targetCount: 2, result: {} });
    expect(entries[0]).toMatchObject({
      action: 'keys.release',
      outcome: 'ok',
      reason: 'worker crash',
      targetCount: 2,
      result: { released: 2, skipped: 0 },
      clientAddress: '203.0.113.9',
      actor: expect.stringMatching(/^operator#[0-9a-f]{8}$/),
    });
    expect(entries[0].seen[0]).toMatchObject({ seen: expect.stringMatching(/^[0-9a-f]{40}$/), state: { format: 'plain', state: 'stuck' } });

    const csv = await audit.GET(get('/api/v1/audit?format=csv&action=keys.release', viewer));
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="idemscope-audit-.*\.csv"$/);
    expect(await csv.text()).toContain(actionId);
    const exported = await audit.GET(get('/api/v1/audit?format=json', viewer));
    expect((await exported.json()).some((e: { actionId: string }) => e.actionId === actionId)).toBe(true);
    expect((await audit.GET(get('/api/v1/audit?limit=0', viewer))).status).toBe(400);

    // A time range is [from, to) on the entry's instant, in the URL as ISO-8601.
    const at = Date.parse(entries[0].at);
    const within = (from: number, to: number) => `/api/v1/audit?action=keys.release&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const ids = async (path: string) => (await json(await audit.GET(get(path, viewer)))).body.items.map((e: { id: string }) => e.id);
    expect(await ids(within(at, at + 1))).toContain(entries[0].id);
    expect(await ids(within(at + 1, at + 60_000))).not.toContain(entries[0].id);
    expect(await ids(within(at - 60_000, at))).not.toContain(entries[0].id);
    const inverted = await json(await audit.GET(get(within(at, at - 1), viewer)));
    expect(inverted).toMatchObject({ status: 400, body: { error: { parameter: 'to' } } });
    const tooLong = await json(await audit.GET(get(within(at - 400 * 86_400_000, at), viewer)));
    expect(tooLong).toMatchObject({ status: 400, body: { error: { parameter: 'from' } } });
  });

  it('purges Postgres through a job that can be polled and cancelled', async () => {
    const op = bearer(OPERATOR_TOKEN);
    const dry = await json(await purge.POST(post('/api/v1/purge', { store: 'postgres', dryRun: true }, op)));
    expect(dry).toMatchObject({ status: 200, body: { dryRun: true, store: 'postgres', estimated: false } });
    const started = await purge.POST(post('/api/v1/purge', { store: 'postgres', reason: 'retention', actionId: randomUUID() }, op));
    expect(started.status).toBe(202);
    const { jobId } = await started.json();
    expect(started.headers.get('location')).toBe(`/api/v1/purge/${jobId}`);
    const job = await json(await purgeJob.GET(get(`/api/v1/purge/${jobId}`, bearer(VIEWER_TOKEN)), params({ jobId })));
    expect(job).toMatchObject({ status: 200, body: { jobId, store: 'postgres' } });
    expect((await purgeJob.GET(get('/api/v1/purge/x', op), params({ jobId: 'x' }))).status).toBe(400);
    expect((await purgeJob.GET(get('/api/v1/purge/x', op), params({ jobId: randomUUID() }))).status).toBe(404);
    const cancel = await purgeCancel.POST(post(`/api/v1/purge/${jobId}/cancel`, {}, bearer(VIEWER_TOKEN)), params({ jobId }));
    expect(cancel.status).toBe(403);
  });
});

describe('per-user rate limit', () => {
  it('answers 429 with Retry-After once an operator exceeds IDEMSCOPE_ACTION_RATE_LIMIT', async () => {
    let response: Response | undefined;
    for (let i = 0; i < 31; i++) {
      response = await keysRelease.POST(post('/api/v1/keys/release', { keys: [key('none')], dryRun: true }, bearer(OPERATOR_TOKEN)));
      if (response.status === 429) break;
    }
    expect(response!.status).toBe(429);
    expect(Number(response!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await response!.json()).error.code).toBe('rate_limited');
  });
});

describe('secrets', () => {
  it('never appear in logs or in the audit log', async () => {
    const exported = await (await audit.GET(get('/api/v1/audit?format=json', bearer(VIEWER_TOKEN)))).text();
    for (const secret of [OPERATOR_TOKEN, VIEWER_TOKEN]) {
      expect(exported).not.toContain(secret);
      expect(logged.join('\n')).not.toContain(secret);
    }
  });
});

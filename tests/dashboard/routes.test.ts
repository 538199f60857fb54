import { keyPatternText } from '../../lib/records/key-patterns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../lib/contract/errors';
import type { KeyDetail, KeysPage, LookupResponse, MessageDetail, OverviewResponse } from '../../lib/contract/read';
import { TEST_REDIS_URL } from '../helpers/redis-client';
import { createWorld, type World } from './helpers/world';

/**
 * The route handlers as Next calls them, over the process's own wiring
 * (lib/dashboard/context.ts reading the environment), pointed at this
 * file's seeded prefix and database.
 */
let world: World;
type Route = { GET: (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response> };
const routes: Record<string, Route> = {};

beforeAll(async () => {
  world = await createWorld('routes');
  Object.assign(process.env, {
    DATABASE_URL: world.db.url,
    REDIS_URL: TEST_REDIS_URL,
    IDEMSCOPE_KEY_PATTERNS: world.config.keyPatterns.map(keyPatternText).join(','),
    IDEMSCOPE_STATS_PREFIX: world.config.statsPrefix,
  });
  const modules = {
    overview: import('../../app/api/v1/overview/route'),
    health: import('../../app/api/v1/health/route'),
    keys: import('../../app/api/v1/keys/route'),
    key: import('../../app/api/v1/keys/[key]/route'),
    messages: import('../../app/api/v1/messages/route'),
    message: import('../../app/api/v1/messages/[id]/route'),
    duplicates: import('../../app/api/v1/stats/duplicates/route'),
    expiry: import('../../app/api/v1/expiry/route'),
    lookup: import('../../app/api/v1/lookup/route'),
    metrics: import('../../app/api/metrics/route'),
  };
  for (const [name, mod] of Object.entries(modules)) routes[name] = (await mod) as unknown as Route;
});

afterAll(async () => {
  const { shutdownDashboard } = await import('../../lib/dashboard/context');
  const { disconnectPrisma } = await import('../../lib/db/prisma');
  const { disconnectRedis } = await import('../../lib/stores/redis/connection');
  await shutdownDashboard();
  await disconnectPrisma();
  await disconnectRedis();
  await world.close();
});

async function get(route: string, query = '', params?: Record<string, string>): Promise<{ status: number; body: unknown; response: Response }> {
  const response = await routes[route]!.GET(
    new Request(`http://dashboard.test/api/v1/${route}${query}`),
    params ? { params: Promise.resolve(params) } : undefined,
  );
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json');
  return { status: response.status, body: json ? JSON.parse(text) : text, response };
}

async function expectBadRequest(route: string, query: string, parameter: string, params?: Record<string, string>) {
  const { status, body, response } = await get(route, query, params);
  expect(status, `${route}${query}`).toBe(400);
  const error = (body as ApiErrorBody).error;
  expect(error.code).toBe('bad_request');
  expect(error.parameter).toBe(parameter);
  expect(error.message.startsWith(`${parameter}:`), error.message).toBe(true);
  expect(response.headers.get('cache-control')).toBe('no-store');
}

describe('400: a bad parameter is named', () => {
  it.each([
    ['overview', '?fresh=maybe', 'fresh'],
    ['keys', '?state=bogus', 'state'],
    ['keys', '?limit=0', 'limit'],
    ['keys', '?limit=abc', 'limit'],
    ['keys', '?cursor=garbage', 'cursor'],
    ['keys', '?pattern=other:*', 'pattern'],
    ['messages', '?state=processingx', 'state'],
    ['messages', '?limit=100000', 'limit'],
    ['messages', '?cursor=e30', 'cursor'],
    ['duplicates', '?bucket=fortnight', 'bucket'],
    ['duplicates', '?from=yesterday', 'from'],
    ['duplicates', '?store=mongo', 'store'],
    ['duplicates', '?bucket=30', 'bucket'],
    ['duplicates', '?from=2026-12-05T10:00:00Z&to=2026-12-05T09:00:00Z', 'to'],
    ['duplicates', '?from=2026-12-05T10:00:00Z&to=2026-12-05T10:00:00Z', 'to'],
    ['duplicates', '?from=2026-10-01T00:00:00Z&to=2026-12-05T00:00:00Z', 'from'],
    ['keys', '?from=2026-12-05T10:00:00Z&to=2026-12-05T09:00:00Z', 'to'],
    ['keys', '?to=soon', 'to'],
    ['keys', '?from=1&time=created', 'time'],
    ['messages', '?from=2026-12-05T10:00:00Z&to=2026-12-05T09:00:00Z', 'to'],
    ['messages', '?from=2020-01-01T00:00:00Z&to=2026-12-05T00:00:00Z', 'from'],
    ['messages', '?sort=sideways', 'sort'],
    ['messages', '?search=a&match=regex', 'match'],
    ['keys', `?search=${'x'.repeat(513)}`, 'search'],
    ['expiry', '?store=mongo', 'store'],
    ['expiry', '?bucket=1800', 'bucket'],
    ['expiry', '?horizon=999999', 'horizon'],
    ['lookup', '', 'q'],
    ['lookup', '?q=%20%20', 'q'],
  ])('%s%s names %s', async (route, query, parameter) => {
    await expectBadRequest(route, query, parameter);
  });

  it('names message_id when it is not a uuid', async () => {
    await expectBadRequest('message', '', 'message_id', { id: 'order-42' });
  });
});

describe('404: unknown records', () => {
  it('answers 404 for an unknown key, a key outside the patterns, and an unknown message', async () => {
    for (const key of [`${world.prefix}idempotency:missing`, `${world.prefix}other:key`]) {
      const { status, body } = await get('key', '', { key });
      expect(status, key).toBe(404);
      expect((body as ApiErrorBody).error.code).toBe('not_found');
    }
    const { status, body } = await get('message', '', { id: '6f1c0b1e-0000-4000-8000-000000000000' });
    expect(status).toBe(404);
    expect((body as ApiErrorBody).error.message).toContain('6f1c0b1e-0000-4000-8000-000000000000');
  });
});

describe('200: the contract shapes', () => {
  it('serves the overview, fresh, with every count of the dataset', async () => {
    const { status, body } = await get('overview', '?fresh=1');
    expect(status).toBe(200);
    const overview = body as OverviewResponse;
    expect(overview.redis).toMatchObject({ keys: 23, processing: 4, stuck: 6, completed: 9, expired: 1, noExpiry: 3, unrecognized: 3 });
    expect(overview.postgres).toMatchObject({ rows: 12, processing: 2, stuck: 2, completed: 4, failed: 1, expired: 3 });
    expect(overview.deliveries).toMatchObject({ window: '1h', total: 28, duplicates: 4 });
    expect(Date.parse(overview.generatedAt)).toBeGreaterThan(0);
  });

  it('serves health', async () => {
    const { status, body } = await get('health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', redis: { reachable: true }, postgres: { reachable: true } });
  });

  it('pages keys and serves one key, masked', async () => {
    const { body } = await get('keys', '?state=completed&limit=2');
    const page = body as KeysPage;
    expect(page.items.length).toBeLessThanOrEqual(2);
    expect(page.items.every((i) => i.state === 'completed')).toBe(true);
    const { status, body: detail } = await get('key', '?fingerprint=x', { key: `${world.prefix}idempotency:plain:done-1` });
    expect(status).toBe(200);
    expect((detail as KeyDetail).maskedPaths).toEqual(['card.cardNumber', 'password']);
    expect(JSON.stringify(detail)).not.toContain('hunter2');
  });

  it('serves messages and one message', async () => {
    const { body } = await get('messages', '?state=stuck');
    expect((body as { items: unknown[] }).items).toHaveLength(2);
    const row = world.rows[0]!;
    const { status, body: detail } = await get('message', '', { id: row.messageId });
    expect(status).toBe(200);
    expect((detail as MessageDetail).messageId).toBe(row.messageId);
  });

  it('serves duplicate stats the way the UI asks for them', async () => {
    const to = new Date(world.seededAt).toISOString();
    const from = new Date(world.seededAt - 3_600_000).toISOString();
    const { status, body } = await get('duplicates', `?from=${from}&to=${to}&bucket=minute&groupBy=consumer`);
    expect(status).toBe(200);
    const points = body as { consumer: string; deliveries: number }[];
    expect(points.filter((p) => p.consumer === 'billing').reduce((a, p) => a + p.deliveries, 0)).toBe(20);
  });

  it('serves expiry for both stores', async () => {
    for (const store of ['redis', 'postgres']) {
      const { status, body } = await get('expiry', `?store=${store}&bucket=3600&horizon=259200`);
      expect(status, store).toBe(200);
      expect((body as { buckets: unknown[] }).buckets.length).toBeGreaterThanOrEqual(72);
    }
  });

  it('serves lookups', async () => {
    const { body } = await get('lookup', '?q=lib:old');
    expect((body as LookupResponse).redis.matches.map((m) => m.state)).toEqual(['stuck']);
  });

  it('serves Prometheus text', async () => {
    const { status, body, response } = await get('metrics');
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(body as string).toMatch(/^idemscope_stuck\{store="redis"\} 6$/m);
  });
});

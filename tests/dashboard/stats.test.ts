import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDuplicateStats } from '../../lib/dashboard/duplicates';
import { InvalidParameterError } from '../../lib/errors';
import { getExpiry } from '../../lib/dashboard/expiry';
import { getMetrics } from '../../lib/dashboard/metrics/metrics';
import { DELIVERY_FIXTURE } from './helpers/dataset';
import { createWorld, type World } from './helpers/world';

let world: World;
const H = 3_600_000;

beforeAll(async () => {
  // A budget gives the scanner a CPU reader, whose figure /api/metrics exposes; at 100 % it never slows a test down.
  world = await createWorld('stats', { redisBudgetPercent: 100 });
  await world.deps.scanner.fresh(20_000);
});

afterAll(async () => {
  await world.close();
});

/** The fixture folded into buckets the way the API must: each store holds every fixture bucket. */
function expectedSeries(fromMs: number, toMs: number, bucketMs: number, stores: number, consumer?: string) {
  const start = Math.floor(fromMs / bucketMs) * bucketMs;
  const end = Math.ceil(toMs / bucketMs) * bucketMs;
  const out = new Map<number, { deliveries: number; duplicates: number; failures: number }>();
  for (let t = start; t < end; t += bucketMs) out.set(t, { deliveries: 0, duplicates: 0, failures: 0 });
  for (const b of DELIVERY_FIXTURE.buckets) {
    if (consumer && b.consumer !== consumer) continue;
    const t = Math.floor((world.seededAt - b.minutesAgo * 60_000) / bucketMs) * bucketMs;
    const slot = out.get(t);
    if (!slot) continue;
    slot.deliveries += stores * b.deliveries;
    slot.duplicates += stores * b.duplicates;
    slot.failures += stores * b.failures;
  }
  // The bucket under way is partial: no rate (the service's clock is the real one, read just before).
  const nowMs = Date.now();
  return [...out.entries()].map(([t, c]) => {
    const partial = t + bucketMs > nowMs;
    return {
      t: new Date(t).toISOString(),
      ...c,
      duplicateRate: c.deliveries && !partial ? c.duplicates / c.deliveries : null,
      ...(partial ? { partial: true } : {}),
    };
  });
}

describe('duplicate stats', () => {
  it('merges both stores into hourly buckets over two days', async () => {
    const toMs = world.seededAt;
    const fromMs = toMs - 48 * H;
    const points = await getDuplicateStats(world.deps, { fromMs, toMs, bucketSeconds: 3600, groupByConsumer: false });
    expect(points).toEqual(expectedSeries(fromMs, toMs, H, 2));
    expect(points.reduce((a, p) => a + p.deliveries, 0)).toBe(240);
  });

  it('reads minute buckets for sub-hour buckets, one store when asked, one consumer when asked', async () => {
    const toMs = world.seededAt;
    const fromMs = toMs - 4 * H;
    const redisOnly = await getDuplicateStats(world.deps, { fromMs, toMs, bucketSeconds: 300, groupByConsumer: false, store: 'redis' });
    expect(redisOnly).toEqual(expectedSeries(fromMs, toMs, 300_000, 1));
    const pgBilling = await getDuplicateStats(world.deps, { fromMs, toMs, bucketSeconds: 60, groupByConsumer: false, store: 'postgres', consumer: 'billing' });
    expect(pgBilling).toEqual(expectedSeries(fromMs, toMs, 60_000, 1, 'billing'));
    expect(pgBilling.reduce((a, p) => a + p.failures, 0)).toBe(3);
  });

  it('splits per consumer, with zero points where a consumer had nothing', async () => {
    const toMs = world.seededAt;
    const fromMs = toMs - 2 * H;
    const points = await getDuplicateStats(world.deps, { fromMs, toMs, bucketSeconds: 3600, groupByConsumer: true });
    const consumers = [...new Set(points.map((p) => p.consumer))].sort();
    expect(consumers).toEqual(['billing', 'shipping']);
    for (const consumer of consumers) {
      const mine = points.filter((p) => p.consumer === consumer);
      expect(mine, consumer).toEqual(expectedSeries(fromMs, toMs, H, 2, consumer).map((p) => ({ ...p, consumer })));
    }
  });

  it('refuses ranges it cannot answer, naming the parameter', async () => {
    const q = { fromMs: world.seededAt - H, toMs: world.seededAt, groupByConsumer: false };
    await expect(getDuplicateStats(world.deps, { ...q, bucketSeconds: 30 })).rejects.toMatchObject({ parameter: 'bucket' });
    await expect(getDuplicateStats(world.deps, { ...q, fromMs: q.toMs - 30 * 24 * H, bucketSeconds: 60 })).rejects.toMatchObject({ parameter: 'bucket' });
    await expect(getDuplicateStats(world.deps, { ...q, toMs: q.fromMs, bucketSeconds: 60 })).rejects.toBeInstanceOf(InvalidParameterError);
  });
});

describe('expiry', () => {
  it('puts every Redis key with a TTL in the hour it expires in, and counts the overdue ones', async () => {
    const hourBefore = Math.floor(Date.now() / H) * H;
    const expiry = await getExpiry(world.deps, { store: 'redis', bucketSeconds: 3600, horizonSeconds: 72 * 3600 });
    const hourAfter = Math.floor(Date.now() / H) * H;
    const withTtl = world.keys.filter((k) => !k.noExpiry).length;
    expect(expiry.buckets.reduce((a, b) => a + b.count, 0)).toBe(withTtl);
    expect(expiry.overdue).toBe(1);
    expect(expiry.estimated).toBe(false);
    // The first bucket is the hour the request ran in, which may have ended since: either side of the call.
    expect([hourBefore, hourAfter].map((t) => new Date(t).toISOString())).toContain(expiry.buckets[0]!.t);
    // Seeded TTLs: 600 s, 3,600 s and 86,400 s (minus a little).
    const ttls = await Promise.all(world.keys.filter((k) => !k.noExpiry).map((k) => world.redis.pTTL(k.key)));
    const nowMs = Date.now();
    const expected = new Array(expiry.buckets.length).fill(0);
    for (const ttl of ttls) expected[Math.floor((nowMs + ttl - Math.floor(nowMs / H) * H) / H)]++;
    expect(expiry.buckets.map((b) => b.count)).toEqual(expected);
  });

  it('re-buckets into 6-hour buckets within a shorter horizon', async () => {
    const expiry = await getExpiry(world.deps, { store: 'redis', bucketSeconds: 6 * 3600, horizonSeconds: 24 * 3600 });
    expect(expiry.buckets.length).toBeGreaterThanOrEqual(4);
    expect(expiry.buckets.length).toBeLessThanOrEqual(5);
    expect(expiry.buckets.reduce((a, b) => a + b.count, 0)).toBe(world.keys.filter((k) => !k.noExpiry).length);
  });

  it('puts every live finished row in the hour its retention ends, exactly on a small table', async () => {
    const expiry = await getExpiry(world.deps, { store: 'postgres', bucketSeconds: 3600, horizonSeconds: 72 * 3600 });
    const { rows } = await world.pg.query<{ at: Date }>(
      `SELECT COALESCE(expires_at, processed_at + interval '72 hours') AS at FROM processed_messages WHERE status <> 'processing'`,
    );
    const nowMs = Date.now();
    const origin = Math.floor(nowMs / H) * H;
    const expected = new Array(expiry.buckets.length).fill(0);
    for (const { at } of rows) {
      const i = Math.floor((at.getTime() - origin) / H);
      if (at.getTime() > nowMs && i < expected.length) expected[i]++;
    }
    expect(expiry.buckets.map((b) => b.count)).toEqual(expected);
    expect(expected.reduce((a, b) => a + b, 0)).toBe(5);
    expect(expiry).toMatchObject({ store: 'postgres', overdue: 3, estimated: false, snapshotAgeSeconds: null });
  });

  it('refuses buckets and horizons it cannot serve', async () => {
    await expect(getExpiry(world.deps, { store: 'redis', bucketSeconds: 1800, horizonSeconds: 3600 })).rejects.toMatchObject({ parameter: 'bucket' });
    await expect(getExpiry(world.deps, { store: 'redis', bucketSeconds: 3600, horizonSeconds: 100 * 3600 })).rejects.toMatchObject({ parameter: 'horizon' });
  });
});

describe('metrics', () => {
  function sample(text: string, name: string, labels: string): number {
    const head = labels ? `${name}{${labels}}` : name;
    const line = text.split('\n').find((l) => l.startsWith(`${head} `));
    expect(line, head).toBeDefined();
    return Number(line!.split(' ').pop());
  }

  it('exposes gauges for every state and store, and delivery counters that only grow', async () => {
    const text = await getMetrics(world.deps);
    expect(text).toContain('# TYPE idemscope_in_flight gauge');
    expect(text).toContain('# TYPE idemscope_deliveries_total counter');
    expect(sample(text, 'idemscope_in_flight', 'store="redis"')).toBe(10);
    expect(sample(text, 'idemscope_in_flight', 'store="postgres"')).toBe(4);
    expect(sample(text, 'idemscope_stuck', 'store="redis"')).toBe(6);
    expect(sample(text, 'idemscope_no_expiry', 'store="redis"')).toBe(3);
    expect(sample(text, 'idemscope_expired', 'store="postgres"')).toBe(3);
    expect(sample(text, 'idemscope_records', 'store="postgres",state="failed"')).toBe(1);
    expect(sample(text, 'idemscope_records_estimated', 'store="postgres",state="completed"')).toBe(0);
    expect(sample(text, 'idemscope_store_up', 'store="redis"')).toBe(1);
    // The first scrape counts the open minute buckets (the last 15 minutes).
    expect(sample(text, 'idemscope_deliveries_total', 'store="redis",consumer="billing"')).toBe(10);
    expect(sample(text, 'idemscope_duplicates_total', 'store="postgres",consumer="billing"')).toBe(2);

    // The scanner's own work as its status counts it, read around a scrape (a pass may be under way meanwhile).
    const before = world.deps.scanner.status().costSinceStart;
    const scraped = await getMetrics(world.deps);
    const after = world.deps.scanner.status().costSinceStart;
    expect(before.steps).toBeGreaterThan(1);
    expect(before.cpuSeconds).toBeGreaterThan(0);
    const steps = sample(scraped, 'idemscope_scanner_steps_total', '');
    expect(steps).toBeGreaterThanOrEqual(before.steps);
    expect(steps).toBeLessThanOrEqual(after.steps);
    const cpu = sample(scraped, 'idemscope_scanner_redis_cpu_seconds_total', '');
    expect(cpu).toBeGreaterThanOrEqual(before.cpuSeconds!);
    expect(cpu).toBeLessThanOrEqual(after.cpuSeconds!);
    expect(scraped).toContain('# TYPE idemscope_scanner_redis_cpu_seconds_total counter');

    const minute = Math.floor(world.seededAt / 60_000) * 60;
    await world.redis.hIncrBy(`${world.config.statsPrefix}m:${minute}`, 'billing|deliveries', 5);
    await world.redis.expire(`${world.config.statsPrefix}m:${minute}`, 600);
    const again = await getMetrics(world.deps);
    expect(sample(again, 'idemscope_deliveries_total', 'store="redis",consumer="billing"')).toBe(15);
    expect(sample(again, 'idemscope_deliveries_total', 'store="postgres",consumer="billing"')).toBe(10);
  });
});

import { keyPatternText } from '../../lib/records/key-patterns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VERDICT_THRESHOLDS } from '../../lib/contract/read';
import { getHealth } from '../../lib/dashboard/health';
import { getOverview } from '../../lib/dashboard/overview';
import { RECORD_FORMATS } from '../../lib/records/states';
import { countBy, DELIVERY_FIXTURE } from './helpers/dataset';
import { createWorld, type World } from './helpers/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('overview');
});

afterAll(async () => {
  await world.close();
});

/** What both stores' counters hold for buckets no older than `minutes`, each store having the whole fixture. */
function expectedDeliveries(minutes: number) {
  const inside = DELIVERY_FIXTURE.buckets.filter((b) => b.minutesAgo < minutes);
  const sum = (pick: (b: (typeof inside)[number]) => number) => 2 * inside.reduce((acc, b) => acc + pick(b), 0);
  return { total: sum((b) => b.deliveries), duplicates: sum((b) => b.duplicates), failures: sum((b) => b.failures) };
}

describe('GET overview (service)', () => {
  it('has no Redis numbers before the first pass, and waits for one with fresh', async () => {
    const before = await getOverview(world.deps, { fresh: false });
    expect(before.redis).toMatchObject({ reachable: true, keys: null, snapshotAgeSeconds: null, byFormat: null, patterns: world.config.keyPatterns.map(keyPatternText) });
    expect(before.redis.snapshot.status).toBe('none');

    const fresh = await getOverview(world.deps, { fresh: true });
    expect(fresh.redis.snapshot.status).toBe('complete');
    expect(fresh.redis.snapshotAgeSeconds).toBeLessThanOrEqual(1);
  });

  it('names the thresholds its counts were classified with', async () => {
    const { rules } = await getOverview(world.deps, { fresh: false });
    expect(rules).toEqual({
      stuckAfterSeconds: world.config.stuckAfterSeconds,
      retentionHours: world.config.retentionHours,
      // The test configuration sets no verdict thresholds, so the env defaults apply.
      verdict: DEFAULT_VERDICT_THRESHOLDS,
    });
    expect(rules!.stuckAfterSeconds).toBeGreaterThan(0);
  });

  it('counts every Redis state, format and pattern of the seeded keys exactly', async () => {
    const { redis } = await getOverview(world.deps, { fresh: true });
    const byState = countBy(world.keys, (k) => k.state);
    expect(redis).toMatchObject({
      reachable: true,
      error: null,
      keys: world.keys.length,
      processing: byState.processing,
      stuck: byState.stuck,
      completed: byState.completed,
      expired: byState.expired,
      unrecognized: byState.unrecognized,
      noExpiry: world.keys.filter((k) => k.noExpiry).length,
    });
    expect(redis.keys).toBe(23);
    expect([redis.processing, redis.stuck, redis.completed, redis.expired, redis.unrecognized, redis.noExpiry]).toEqual([4, 6, 9, 1, 3, 3]);
    const byFormat = countBy(world.keys, (k) => k.format);
    expect(redis.byFormat).toEqual(Object.fromEntries(RECORD_FORMATS.map((f) => [f, byFormat[f] ?? 0])));
    expect(redis.byPattern!.map((p) => [p.pattern, p.keys])).toEqual([
      [keyPatternText(world.config.keyPatterns[0]!), 17],
      [keyPatternText(world.config.keyPatterns[1]!), 6],
    ]);
  });

  it('counts every Postgres state exactly, and says none is an estimate', async () => {
    const { postgres, expiredAwaitingPurge } = await getOverview(world.deps, { fresh: false });
    const byState = countBy(world.rows, (r) => r.state);
    expect(postgres).toEqual({
      reachable: true,
      error: null,
      rows: world.rows.length,
      processing: byState.processing,
      stuck: byState.stuck,
      completed: byState.completed,
      failed: byState.failed,
      expired: byState.expired,
      estimated: { rows: false, processing: false, stuck: false, completed: false, failed: false, expired: false },
      countedAt: expect.any(String),
      freshness: { state: 'live', asOf: postgres.countedAt, unavailableSince: null, error: null },
      tables: [
        {
          table: 'public.processed_messages',
          profile: 'library',
          rows: world.rows.length,
          processing: byState.processing,
          stuck: byState.stuck,
          completed: byState.completed,
          failed: byState.failed,
          expired: byState.expired,
          estimated: false,
          timeIndexed: true,
        },
      ],
      unfit: [],
    });
    expect([postgres.rows, postgres.processing, postgres.stuck, postgres.completed, postgres.failed, postgres.expired]).toEqual([12, 2, 2, 4, 1, 3]);
    expect(expiredAwaitingPurge).toEqual({ redis: 1, postgres: 3, postgresEstimated: false });
  });

  it('labels counts above the exact limits as estimates', async () => {
    // Planner statistics, as autovacuum would have them.
    await world.pg.query('ANALYZE processed_messages');
    const tight = { ...world.deps, config: { ...world.config, exactTableRowLimit: 5, exactCountLimit: 2, inFlightCountLimit: 1 } };
    const { postgres } = await getOverview(tight, { fresh: false });
    // Stuck is counted as two disjoint index ranges (old claims, lost leases), one row each: exact.
    expect(postgres.estimated).toEqual({ rows: true, processing: true, stuck: false, completed: true, failed: false, expired: true });
    expect([postgres.failed, postgres.stuck]).toEqual([1, 2]);
    for (const field of ['rows', 'processing', 'completed', 'expired'] as const) expect(postgres[field], field).toBeGreaterThan(1);
  });

  it('sums deliveries of both stores over the last hour and day', async () => {
    const overview = await getOverview(world.deps, { fresh: false });
    const hour = expectedDeliveries(60);
    const day = expectedDeliveries(24 * 60);
    expect(overview.deliveries).toMatchObject({ window: '1h', ...hour, duplicateRate: hour.duplicates / hour.total, stores: ['redis', 'postgres'] });
    expect(overview.deliveryWindows[1]).toMatchObject({ window: '24h', ...day, duplicateRate: day.duplicates / day.total });
    expect([hour.total, hour.duplicates, hour.failures, day.total, day.duplicates, day.failures]).toEqual([28, 4, 2, 40, 10, 6]);
    const span = Date.parse(overview.deliveries.to) - Date.parse(overview.deliveries.from);
    expect(span).toBe(3_600_000);
  });

  it('lists the longest-stuck records of both stores', async () => {
    const { oldestStuck } = await getOverview(world.deps, { fresh: false });
    const stuckKeys = world.keys.filter((k) => k.state === 'stuck').map((k) => k.key);
    const stuckRows = world.rows.filter((r) => r.state === 'stuck').map((r) => r.messageId);
    expect(oldestStuck).toHaveLength(stuckKeys.length + stuckRows.length);
    expect(oldestStuck.filter((s) => s.store === 'redis').map((s) => s.id).sort()).toEqual([...stuckKeys].sort());
    expect(oldestStuck.filter((s) => s.store === 'postgres').map((s) => s.id).sort()).toEqual([...stuckRows].sort());
    // Records nothing will ever release come first; then by how long they are stuck.
    expect(oldestStuck.slice(0, 2).map((s) => [s.ageSeconds, s.stuckForSeconds])).toEqual([
      [null, null],
      [null, null],
    ]);
    const rest = oldestStuck.slice(2).map((s) => s.stuckForSeconds!);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));
    // The Powertools record stuck on its lease has no known age, only the time since the lease ran out.
    expect(oldestStuck.find((s) => s.format === 'powertools' && s.stuckForSeconds !== null)).toMatchObject({ ageSeconds: null });
    const pgOld = oldestStuck.find((s) => s.store === 'postgres' && s.consumer === 'shipping');
    expect(pgOld).toMatchObject({ format: null, owner: expect.stringMatching(/^owner-/) });
    expect(pgOld!.ageSeconds).toBeGreaterThanOrEqual(1000);
  });

  it('reports both stores healthy with their sizes', async () => {
    const { health } = await getOverview(world.deps, { fresh: false });
    expect(health.redis).toMatchObject({ reachable: true, error: null });
    expect(health.redis.keyspaceSize).toBeGreaterThanOrEqual(world.keys.length);
    expect(health.redis.usedMemoryBytes).toBeGreaterThan(0);
    expect(health.redis.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.postgres).toMatchObject({ reachable: true, error: null });
    expect(health.postgres.tableBytes).toBeGreaterThan(0);
    expect(health.postgres.statsTableBytes).toBeGreaterThan(0);
    expect((await getHealth(world.deps)).status).toBe('ok');
  });
});

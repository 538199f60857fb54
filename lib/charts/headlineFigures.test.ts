import { describe, expect, it } from 'vitest';
import type { DeliveryWindow, OverviewResponse } from '@/lib/contract/read';
import { combine, headlineFigures } from './headlineFigures';

const window = (name: '1h' | '24h', total: number, duplicates: number): DeliveryWindow => ({
  window: name,
  from: '2026-11-26T09:00:00Z',
  to: '2026-11-26T10:00:00Z',
  total,
  duplicates,
  failures: 0,
  duplicateRate: total ? duplicates / total : null,
  stores: ['redis', 'postgres'],
});

function overview(overrides: { redisUp?: boolean; pgEstimated?: boolean } = {}): OverviewResponse {
  const up = overrides.redisUp ?? true;
  const estimated = overrides.pgEstimated ?? false;
  const count = (n: number) => (up ? n : null);
  return {
    generatedAt: '2026-11-26T10:00:00Z',
    redis: {
      reachable: up,
      error: up ? null : 'connect ECONNREFUSED',
      keys: count(10),
      processing: count(2),
      stuck: count(3),
      completed: count(4),
      failed: count(0),
      expired: count(1),
      noExpiry: count(5),
      unrecognized: count(1),
      snapshotAgeSeconds: count(4),
      snapshot: { status: 'complete', passInProgress: false, passKeysExamined: 0, completedAt: null, passDurationMs: 10, keysExamined: 10 },
      byFormat: null,
      byPattern: null,
    },
    postgres: {
      reachable: true,
      error: null,
      rows: 20,
      processing: 7,
      stuck: 1,
      completed: 10,
      failed: 2,
      expired: 6,
      estimated: { rows: estimated, processing: false, stuck: false, completed: estimated, failed: estimated, expired: estimated },
      countedAt: '2026-11-26T10:00:00Z',
      tables: [],
      unfit: [],
    },
    deliveries: window('1h', 100, 5),
    deliveryWindows: [window('1h', 100, 5), window('24h', 1000, 20)],
    oldestStuck: [],
    expiredAwaitingPurge: { redis: count(1), postgres: 6, postgresEstimated: estimated },
    health: {
      redis: { reachable: up, latencyMs: 1, error: null, keyspaceSize: 10, usedMemoryBytes: 1 },
      postgres: { reachable: true, latencyMs: 1, error: null, tableBytes: 1, statsTableBytes: 1 },
    },
  };
}

describe('combine', () => {
  it('sums both stores', () => {
    expect(combine(2, 3)).toEqual({ total: 5, redis: 2, postgres: 3, partial: false, estimated: false });
  });

  it('never treats an unknown store as zero', () => {
    expect(combine(null, 3)).toMatchObject({ total: 3, partial: true });
    expect(combine(null, null)).toMatchObject({ total: null, partial: false });
  });
});

describe('headlineFigures', () => {
  it('sums in-flight, stuck and expired records across stores and picks both delivery windows', () => {
    const figures = headlineFigures(overview());
    expect(figures.inFlight.total).toBe(9);
    expect(figures.stuck.total).toBe(4);
    expect(figures.expiredAwaitingPurge.total).toBe(7);
    expect(figures.deliveries['1h']?.total).toBe(100);
    expect(figures.deliveries['24h']?.duplicates).toBe(20);
    expect(figures.noExpiry).toBe(5);
    expect(figures.failed).toEqual({ value: 2, estimated: false });
  });

  it('flags partial totals when Redis is down and carries Postgres estimate flags', () => {
    const figures = headlineFigures(overview({ redisUp: false, pgEstimated: true }));
    expect(figures.stuck).toMatchObject({ total: 1, redis: null, partial: true });
    expect(figures.expiredAwaitingPurge.estimated).toBe(true);
    expect(figures.failed.estimated).toBe(true);
    expect(figures.noExpiry).toBeNull();
  });
});

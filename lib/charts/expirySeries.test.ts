import { describe, expect, it } from 'vitest';
import type { ExpiryResponse } from '@/lib/contract/read';
import { expirySeries } from './expirySeries';

const NOW = Date.parse('2026-11-26T10:20:00Z');
const HOUR = 3600_000;
const window = { nowMs: NOW, bucketSeconds: 3600, horizonSeconds: 72 * 3600 };
const response = (store: 'redis' | 'postgres', overdue: number, buckets: [hoursAhead: number, count: number][]): ExpiryResponse => ({
  store,
  bucketSeconds: 3600,
  horizonSeconds: 72 * 3600,
  overdue,
  estimated: false,
  snapshotAgeSeconds: store === 'redis' ? 7 : null,
  buckets: buckets.map(([h, count]) => ({ t: new Date(Date.parse('2026-11-26T10:00:00Z') + h * HOUR).toISOString(), count })),
});

describe('expirySeries', () => {
  it('puts both stores on one hourly axis starting at the current hour', () => {
    const series = expirySeries(
      { redis: response('redis', 3, [[0, 5], [2, 1]]), postgres: response('postgres', 4, [[2, 7]]) },
      window,
    );
    expect(series.rows).toHaveLength(72);
    expect(series.rows[0]).toEqual({ t: Date.parse('2026-11-26T10:00:00Z'), redis: 5, postgres: 0 });
    expect(series.rows[2]).toEqual({ t: Date.parse('2026-11-26T12:00:00Z'), redis: 1, postgres: 7 });
    expect(series.overdue).toEqual({ redis: 3, postgres: 4 });
    expect(series.upcoming).toBe(13);
    expect(series.snapshotAgeSeconds).toBe(7);
  });

  it('marks a store that could not be read as null, not zero', () => {
    const series = expirySeries({ redis: response('redis', 0, [[1, 2]]), postgres: null }, window);
    expect(series.rows[1]).toMatchObject({ redis: 2, postgres: null });
    expect(series.overdue.postgres).toBeNull();
  });

  it('drops buckets beyond the horizon or before now', () => {
    const series = expirySeries({ redis: response('redis', 0, [[-3, 9], [80, 9], [71, 1]]) }, window);
    expect(series.upcoming).toBe(1);
    expect(series.rows[71]?.redis).toBe(1);
  });

  it('carries the estimate flag of either store', () => {
    const pg = { ...response('postgres', 0, []), estimated: true };
    expect(expirySeries({ postgres: pg }, window).estimated).toBe(true);
    expect(expirySeries({ redis: response('redis', 0, []) }, window).estimated).toBe(false);
  });
});

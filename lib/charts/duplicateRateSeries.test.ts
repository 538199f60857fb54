import { describe, expect, it } from 'vitest';
import type { DuplicatePoint } from '@/lib/contract/read';
import { ALL_CONSUMERS, OTHER_CONSUMERS, duplicateRateSeries } from './duplicateRateSeries';

const T0 = Date.parse('2026-11-26T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const point = (minutes: number, deliveries: number, duplicates: number, consumer?: string): DuplicatePoint => ({
  t: at(minutes),
  deliveries,
  duplicates,
  failures: 0,
  duplicateRate: deliveries ? duplicates / deliveries : null,
  ...(consumer === undefined ? {} : { consumer }),
});
const hour = { fromMs: T0, toMs: T0 + 3600_000, bucketSeconds: 60 };

describe('duplicateRateSeries', () => {
  it('has one row per bucket across the window, with gaps where nothing was delivered', () => {
    const series = duplicateRateSeries([point(0, 200, 10), point(2, 50, 0)], hour);
    expect(series.rows).toHaveLength(60);
    expect(series.rows[0]).toEqual({ t: T0, s0: 5 });
    expect(series.rows[1]).toEqual({ t: T0 + 60_000, s0: null });
    expect(series.rows[2]).toEqual({ t: T0 + 120_000, s0: 0 });
    expect(series.lines).toEqual([{ key: 's0', label: ALL_CONSUMERS, consumer: null, deliveries: 250, duplicates: 10, rate: 0.04 }]);
  });

  it('recomputes rates from summed counts when re-bucketing instead of averaging rates', () => {
    const points = [point(0, 1, 1), point(5, 99, 0)];
    const series = duplicateRateSeries(points, { ...hour, bucketSeconds: 900 });
    expect(series.rows).toHaveLength(4);
    expect(series.rows[0]?.s0).toBe(1);
    expect(series.deliveries).toBe(100);
    expect(series.duplicates).toBe(1);
  });

  it('draws the busiest consumers on their own and merges the rest', () => {
    const points = [
      point(1, 100, 10, 'orders'),
      point(1, 80, 0, 'billing'),
      point(1, 5, 5, 'audit'),
      point(1, 3, 0, 'mail'),
    ];
    const series = duplicateRateSeries(points, { ...hour, maxConsumers: 2 });
    expect(series.lines.map((l) => l.label)).toEqual([ALL_CONSUMERS, 'orders', 'billing', OTHER_CONSUMERS]);
    expect(series.lines.map((l) => l.consumer)).toEqual([null, 'orders', 'billing', null]);
    expect(series.lines[3]).toMatchObject({ deliveries: 8, duplicates: 5, rate: 5 / 8 });
    expect(series.rows[1]).toEqual({ t: T0 + 60_000, s0: 7.98, s1: 10, s2: 0, s3: 62.5 });
  });

  it('keeps the counts behind each rate, bucket by bucket, for tooltips and the data table', () => {
    const points = [point(1, 100, 10, 'orders'), point(1, 80, 0, 'billing'), point(3, 40, 4, 'orders')];
    const series = duplicateRateSeries(points, hour);
    expect(series.tallies).toHaveLength(series.rows.length);
    expect(series.tallies[0]).toEqual({});
    expect(series.tallies[1]).toEqual({
      s0: { deliveries: 180, duplicates: 10 },
      s1: { deliveries: 100, duplicates: 10 },
      s2: { deliveries: 80, duplicates: 0 },
    });
    expect(series.tallies[3]).toEqual({ s0: { deliveries: 40, duplicates: 4 }, s1: { deliveries: 40, duplicates: 4 } });
  });

  it('does not merge a single leftover consumer into "other"', () => {
    const points = [point(1, 10, 1, 'a'), point(1, 10, 1, 'b'), point(1, 10, 1, 'c')];
    const series = duplicateRateSeries(points, { ...hour, maxConsumers: 2 });
    expect(series.lines.map((l) => l.label)).toEqual([ALL_CONSUMERS, 'a', 'b', 'c']);
  });

  it('uses opaque series keys so dotted consumer names are not read as paths', () => {
    const series = duplicateRateSeries([point(0, 4, 1, 'svc.orders'), point(0, 4, 0, 'svc.mail')], hour);
    expect(series.lines.map((l) => l.key)).toEqual(['s0', 's1', 's2']);
    expect(Object.keys(series.rows[0] ?? {})).not.toContain('svc.orders');
  });

  it('ignores points outside the window and unparseable times', () => {
    const stray = { ...point(0, 9, 9), t: 'not a time' };
    const series = duplicateRateSeries([point(-5, 9, 9), point(61, 9, 9), stray, point(59, 1, 0)], hour);
    expect(series.deliveries).toBe(1);
    expect(series.rows[59]?.s0).toBe(0);
  });

  it('returns empty rows and totals for no data', () => {
    const series = duplicateRateSeries([], hour);
    expect(series.deliveries).toBe(0);
    expect(series.lines[0]?.rate).toBeNull();
    expect(series.rows.every((r) => r.s0 === null)).toBe(true);
  });
});

describe('the bucket under way', () => {
  it('counts its deliveries in the totals but draws no rate for it', () => {
    const fromMs = Date.UTC(2026, 0, 1, 12, 0);
    const series = duplicateRateSeries(
      [
        { t: new Date(fromMs).toISOString(), deliveries: 100, duplicates: 5, failures: 0, duplicateRate: 0.05 },
        { t: new Date(fromMs + 60_000).toISOString(), deliveries: 3, duplicates: 3, failures: 0, duplicateRate: null, partial: true },
      ],
      { fromMs, toMs: fromMs + 120_000, bucketSeconds: 60 },
    );
    expect(series.deliveries).toBe(103);
    expect(series.duplicates).toBe(8);
    expect(series.rows.map((r) => r.s0)).toEqual([5, null]);
  });
});

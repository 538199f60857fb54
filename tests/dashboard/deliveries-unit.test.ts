import { describe, expect, it } from 'vitest';
import { coverRange } from '../../lib/dashboard/deliveries/cover';
import { mergeSeries } from '../../lib/dashboard/deliveries/merge';
import { DeliveryCounterTracker } from '../../lib/dashboard/metrics/counter-tracker';
import { render } from '../../lib/dashboard/metrics/exposition';

const M = 60_000;
const H = 3_600_000;

describe('coverRange', () => {
  it('uses hour buckets inside and minute buckets at the ragged ends', () => {
    const from = 10 * H - 3 * M;
    const to = 12 * H + 2 * M;
    const cover = coverRange(from, to);
    expect(cover.filter((b) => b.granularity === 'h').map((b) => b.startMs)).toEqual([10 * H, 11 * H]);
    expect(cover.filter((b) => b.granularity === 'm').map((b) => b.startMs)).toEqual([
      10 * H - 3 * M,
      10 * H - 2 * M,
      10 * H - M,
      12 * H,
      12 * H + M,
    ]);
  });

  it('covers every minute exactly once for any aligned range', () => {
    for (const [from, to] of [
      [5 * H, 6 * H],
      [5 * H + 7 * M, 5 * H + 9 * M],
      [5 * H + 59 * M, 30 * H + M],
      [2 * H, 2 * H],
    ] as const) {
      const minutes = coverRange(from, to).flatMap((b) => (b.granularity === 'm' ? [b.startMs] : Array.from({ length: 60 }, (_, i) => b.startMs + i * M)));
      expect(minutes).toHaveLength((to - from) / M);
      expect(new Set(minutes).size).toBe(minutes.length);
      expect(Math.min(...minutes, from)).toBe(from);
    }
  });

  it('refuses unaligned bounds', () => {
    expect(() => coverRange(1, 2 * M)).toThrow(RangeError);
  });
});

describe('mergeSeries', () => {
  it('sums parts of both stores into aligned buckets and fills gaps with zeros', () => {
    const parts = [
      { t: 0, consumer: 'a', deliveries: 2, duplicates: 1, failures: 0 },
      { t: M, consumer: 'a', deliveries: 3, duplicates: 0, failures: 1 },
      { t: 0, consumer: null, deliveries: 5, duplicates: 5, failures: 0 },
      { t: 9 * M, consumer: 'b', deliveries: 7, duplicates: 0, failures: 0 },
    ];
    expect(mergeSeries(parts, 0, 4 * M, 2 * M, false)).toEqual([
      { t: 0, consumer: null, deliveries: 10, duplicates: 6, failures: 1 },
      { t: 2 * M, consumer: null, deliveries: 0, duplicates: 0, failures: 0 },
    ]);
    const split = mergeSeries(parts.slice(0, 2), 0, 2 * M, M, true);
    expect(split).toEqual([
      { t: 0, consumer: 'a', deliveries: 2, duplicates: 1, failures: 0 },
      { t: M, consumer: 'a', deliveries: 3, duplicates: 0, failures: 1 },
    ]);
  });
});

describe('DeliveryCounterTracker', () => {
  it('adds only growth, never counts a bucket twice, and forgets closed buckets', () => {
    const tracker = new DeliveryCounterTracker();
    const now = 100 * H;
    tracker.observe('redis', [{ t: now - M, consumer: 'a', deliveries: 5, duplicates: 1, failures: 0 }]);
    tracker.finish(now);
    tracker.observe('redis', [
      { t: now - M, consumer: 'a', deliveries: 8, duplicates: 1, failures: 0 },
      { t: now, consumer: 'a', deliveries: 2, duplicates: 2, failures: 1 },
    ]);
    tracker.finish(now + 30_000);
    expect(tracker.current()).toEqual([{ store: 'redis', consumer: 'a', deliveries: 10, duplicates: 3, failures: 1 }]);
    // A bucket that expired from the store and reads as zero must not make the counter go down.
    tracker.observe('redis', [{ t: now, consumer: 'a', deliveries: 0, duplicates: 0, failures: 0 }]);
    expect(tracker.current()[0]!.deliveries).toBe(10);
  });

  it('reads from a little before the last scrape, at most a day back', () => {
    const tracker = new DeliveryCounterTracker();
    const now = 100 * H + 30_000;
    expect(tracker.window(now)).toEqual({ fromMs: 100 * H - 15 * M, toMs: 100 * H + M });
    tracker.finish(now);
    expect(tracker.window(now + 10 * M).fromMs).toBe(100 * H - 15 * M);
    expect(tracker.window(now + 48 * H).fromMs).toBe(124 * H);
  });
});

describe('render (Prometheus text)', () => {
  it('writes HELP and TYPE once per family and escapes label values', () => {
    const text = render([
      { name: 'x_total', help: 'Things.\nMore.', type: 'counter', samples: [{ labels: { consumer: 'a"b\\c\nd' }, value: 3 }] },
      { name: 'y', help: 'Y', type: 'gauge', samples: [{ labels: {}, value: 1.5 }] },
    ]);
    expect(text).toBe('# HELP x_total Things.\\nMore.\n# TYPE x_total counter\nx_total{consumer="a\\"b\\\\c\\nd"} 3\n# HELP y Y\n# TYPE y gauge\ny 1.5\n');
  });
});

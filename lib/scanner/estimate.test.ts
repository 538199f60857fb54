import { describe, expect, it } from 'vitest';
import { emptyStateCounts } from '../records/states';
import { estimateFromSample, scanFraction } from './estimate';
import type { PatternAggregate } from './snapshot';

const pattern = (name: string, keys: number, processing: number): PatternAggregate => ({
  pattern: name,
  format: 'plain',
  declared: true,
  keys,
  byState: { ...emptyStateCounts(), processing, completed: keys - processing },
});

describe('scanFraction', () => {
  it('reads the share of buckets walked from a reverse-binary cursor (a table of 8 buckets: 0 4 2 6 1 5 3 7)', () => {
    expect(['4', '2', '6', '1', '5', '3', '7'].map((c) => scanFraction(c, false))).toEqual([1, 2, 3, 4, 5, 6, 7].map((k) => k / 8));
  });

  it('reads cursors beyond 2^53 exactly enough, and 0 at the end as complete', () => {
    // Bucket 1 of 2^20 walked: the cursor has bit 19 set.
    expect(scanFraction(String(2 ** 19), false)).toBe(1 / 2 ** 20);
    expect(scanFraction('9223372036854775808', false)).toBe(1 / 2 ** 64);
    expect(scanFraction('0', true)).toBe(1);
  });
});

describe('estimateFromSample', () => {
  it('scales each pattern\'s counts by its walked share, with a 95 % bound that shrinks as the sample grows', () => {
    const quarter = estimateFromSample([pattern('a:*', 2500, 500)], [0.25])!;
    expect(quarter.keys.value).toBe(10_000);
    expect(quarter.byState.processing.value).toBe(2000);
    // 1.96 * sqrt(500 * 0.75) / 0.25
    expect(quarter.byState.processing.margin).toBe(Math.ceil(1.96 * Math.sqrt(500 * 0.75) / 0.25));
    const half = estimateFromSample([pattern('a:*', 5000, 1000)], [0.5])!;
    expect(half.byState.processing.margin).toBeLessThan(quarter.byState.processing.margin);
  });

  it('is exact for a pattern walked to the end, and gives an unseen state a bound above zero', () => {
    const done = estimateFromSample([pattern('a:*', 300, 0), pattern('b:*', 10, 0)], [1, 0.1])!;
    expect(done.keys.value).toBe(400);
    expect(done.byState.processing.value).toBe(0);
    expect(done.byState.processing.margin).toBeGreaterThan(0);
    expect(estimateFromSample([pattern('a:*', 300, 0)], [1])!.keys.margin).toBe(0);
  });

  it('names the patterns not sampled yet, and has nothing to say before any was', () => {
    const partial = estimateFromSample([pattern('a:*', 100, 10), pattern('b:*', 0, 0)], [0.5, 0])!;
    expect(partial.unsampledPatterns).toEqual(['b:*']);
    expect(partial.sampledFraction).toBe(0.25);
    expect(estimateFromSample([pattern('a:*', 0, 0)], [0])).toBeNull();
  });
});

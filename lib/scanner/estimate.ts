import { RECORD_STATES, type RecordState } from '../records/states';
import type { PatternAggregate } from './snapshot';

/**
 * How much of its keyspace a SCAN has walked, from its cursor alone.
 *
 * Redis's SCAN walks the hash table's buckets in reverse-binary order
 * (dictScan in Redis's dict.c): reversing the cursor's 64 bits turns it
 * into the count of buckets done, shifted to the top bits, so
 * `reverse64(cursor) / 2^64` is the fraction of buckets walked, exactly while
 * the table keeps its size and within one bucket's worth while it rehashes.
 * Keys sit in buckets by a SipHash of the key under a seed Redis draws at
 * start, so which keys lie in the buckets walked so far does not depend on
 * their names, their insertion order or their values: the keys seen are a
 * random sample of the keyspace, each key in it with that probability. This
 * holds for a standalone Redis (one table per database); a cluster node's
 * cursor also carries a slot and needs its own reading.
 * A cursor of 0 returned by SCAN means the walk is complete.
 */
export function scanFraction(cursor: string, done: boolean): number {
  if (done) return 1;
  let v = BigInt(cursor);
  let reversed = 0n;
  for (let i = 0; i < 64; i++) {
    reversed = (reversed << 1n) | (v & 1n);
    v >>= 1n;
  }
  return Number(reversed) / 2 ** 64;
}

/** A count estimated from a sample, with the half-width of its 95 % interval. */
export interface EstimatedCount {
  value: number;
  margin: number;
}

export interface KeyspaceEstimate {
  /** Share of the patterns' keyspace walked so far, averaged over the patterns. */
  sampledFraction: number;
  /** Dedup keys seen so far. */
  keysSampled: number;
  keys: EstimatedCount;
  byState: Record<RecordState, EstimatedCount>;
  /** Patterns whose walk has not started: their keys are in no figure. */
  unsampledPatterns: string[];
}

const Z95 = 1.96;

/**
 * Counts of a pass in progress scaled up by how much of each pattern's
 * keyspace was walked. Each key is in the sample with probability f (see
 * scanFraction), so a count n seen estimates n / f, with variance
 * n (1 - f) / f^2 (Bernoulli sampling); patterns are walked apart, so their
 * variances add. A state not seen yet is given a count of one in the
 * variance, so that it still gets a bound (about 2 / f) rather than ± 0.
 */
export function estimateFromSample(patterns: readonly PatternAggregate[], fractions: readonly number[]): KeyspaceEstimate | null {
  const value = Object.fromEntries(RECORD_STATES.map((s) => [s, 0])) as Record<RecordState, number>;
  const variance = Object.fromEntries(RECORD_STATES.map((s) => [s, 0])) as Record<RecordState, number>;
  let keys = 0;
  let keysVariance = 0;
  let keysSampled = 0;
  const unsampledPatterns: string[] = [];
  patterns.forEach((pattern, i) => {
    const f = fractions[i] ?? 0;
    if (f <= 0) {
      unsampledPatterns.push(pattern.pattern);
      return;
    }
    const spread = (1 - f) / (f * f);
    keysSampled += pattern.keys;
    keys += pattern.keys / f;
    keysVariance += Math.max(1, pattern.keys) * spread;
    for (const state of RECORD_STATES) {
      const n = pattern.byState[state];
      value[state] += n / f;
      variance[state] += Math.max(1, n) * spread;
    }
  });
  if (unsampledPatterns.length === patterns.length) return null;
  const estimated = (v: number, varianceOf: number): EstimatedCount => ({ value: Math.round(v), margin: Math.ceil(Z95 * Math.sqrt(varianceOf)) });
  return {
    sampledFraction: fractions.reduce((a, b) => a + b, 0) / Math.max(1, patterns.length),
    keysSampled,
    keys: estimated(keys, keysVariance),
    byState: Object.fromEntries(RECORD_STATES.map((s) => [s, estimated(value[s], variance[s])])) as Record<RecordState, EstimatedCount>,
    unsampledPatterns,
  };
}

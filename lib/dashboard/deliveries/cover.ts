import { BUCKET_SECONDS, type Granularity } from '../../idempotency/stats-keys';

const MINUTE_MS = BUCKET_SECONDS.m * 1000;
const HOUR_MS = BUCKET_SECONDS.h * 1000;

export interface BucketRef {
  granularity: Granularity;
  /** Bucket start, epoch ms. */
  startMs: number;
}

/**
 * The fewest counter buckets that exactly cover [fromMs, toMs) (both
 * minute-aligned): hour buckets for the whole hours inside, minute buckets
 * for the ragged ends. A 24 h window is then about 24 + 2 × 59 hash reads
 * instead of 1,440.
 */
export function coverRange(fromMs: number, toMs: number): BucketRef[] {
  if (fromMs % MINUTE_MS !== 0 || toMs % MINUTE_MS !== 0) throw new RangeError('coverRange needs minute-aligned bounds');
  const out: BucketRef[] = [];
  const firstHour = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(toMs / HOUR_MS) * HOUR_MS;
  if (firstHour >= lastHour) {
    for (let t = fromMs; t < toMs; t += MINUTE_MS) out.push({ granularity: 'm', startMs: t });
    return out;
  }
  for (let t = fromMs; t < firstHour; t += MINUTE_MS) out.push({ granularity: 'm', startMs: t });
  for (let t = firstHour; t < lastHour; t += HOUR_MS) out.push({ granularity: 'h', startMs: t });
  for (let t = lastHour; t < toMs; t += MINUTE_MS) out.push({ granularity: 'm', startMs: t });
  return out;
}

/** Buckets of one granularity whose start lies in [fromMs, toMs). */
export function bucketsOf(granularity: Granularity, fromMs: number, toMs: number): BucketRef[] {
  const size = BUCKET_SECONDS[granularity] * 1000;
  const out: BucketRef[] = [];
  for (let t = Math.ceil(fromMs / size) * size; t < toMs; t += size) out.push({ granularity, startMs: t });
  return out;
}

export function floorTo(ms: number, sizeMs: number): number {
  return Math.floor(ms / sizeMs) * sizeMs;
}

export function ceilTo(ms: number, sizeMs: number): number {
  return Math.ceil(ms / sizeMs) * sizeMs;
}

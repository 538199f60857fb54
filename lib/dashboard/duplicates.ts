import type { DuplicateStatsResponse, Sources } from '../contract/read';
import type { StoreName } from '../contract/vocabulary';
import { bucketsOf, ceilTo, floorTo } from './deliveries/cover';
import { mergeSeries, rate } from './deliveries/merge';
import { readBullmqBuckets } from './deliveries/bullmq-events';
import { readRedisBuckets } from './deliveries/redis-counters';
import { fromStores } from './deliveries/windows';
import type { DashboardDeps } from './deps';
import { BUCKET_SECONDS, BUCKET_TTL_SECONDS } from '../idempotency/stats-keys';
import { InvalidParameterError } from '../errors';

export interface DuplicateStatsQuery {
  fromMs: number;
  toMs: number;
  bucketSeconds: number;
  consumer?: string;
  groupByConsumer: boolean;
  /** Only one store's counters; both when absent. */
  store?: StoreName;
}

/** The longest range one answer may cover: a month, past the 8 days of hour counters Redis keeps and a day's work for delivery_stats. */
export const MAX_RANGE_SECONDS = 31 * 86_400;

/** Most points one answer may hold; beyond it the caller must pick a larger bucket. */
export const MAX_POINTS = 2000;

/**
 * Deliveries, duplicates and failures per bucket, Redis hashes,
 * BullMQ queues' events streams (per queue) and delivery_stats summed. Buckets are aligned on the Unix epoch; Redis hour
 * hashes serve buckets of whole hours, minute hashes the rest (the library
 * keeps minute hashes 2 days and hour hashes 8).
 */
export async function getDuplicateStats(deps: DashboardDeps, q: DuplicateStatsQuery): Promise<DuplicateStatsResponse> {
  return (await getDuplicateStatsWithSources(deps, q)).points;
}

/**
 * The points, and which stores they include: a store that did not answer is
 * listed as missing (the route sends both as headers), never silently left
 * out. The bucket still under way is marked partial and has no rate.
 */
export async function getDuplicateStatsWithSources(deps: DashboardDeps, q: DuplicateStatsQuery): Promise<{ points: DuplicateStatsResponse; sources: Sources }> {
  const bucketMs = q.bucketSeconds * 1000;
  if (q.bucketSeconds % 60 !== 0) throw new InvalidParameterError('bucket', 'must be a whole number of minutes: counters are kept per minute');
  if (q.toMs <= q.fromMs) throw new InvalidParameterError('to', 'must be after from');
  if (q.toMs - q.fromMs > MAX_RANGE_SECONDS * 1000) throw new InvalidParameterError('from', `the range may span at most ${MAX_RANGE_SECONDS / 86_400} days`);
  const fromMs = floorTo(q.fromMs, bucketMs);
  const toMs = ceilTo(q.toMs, bucketMs);
  if ((toMs - fromMs) / bucketMs > MAX_POINTS) {
    throw new InvalidParameterError('bucket', `the range holds more than ${MAX_POINTS} buckets of ${q.bucketSeconds} s; use a larger bucket`);
  }
  const granularity = q.bucketSeconds % 3600 === 0 ? 'h' : 'm';
  // Only buckets the library still keeps are read: a year of hour buckets would be 8,760 hash reads for nothing.
  const nowMs = deps.now();
  const sizeMs = BUCKET_SECONDS[granularity] * 1000;
  const keptFrom = Math.max(fromMs, nowMs - BUCKET_TTL_SECONDS[granularity] * 1000 - sizeMs);
  const keptTo = Math.min(toMs, nowMs + sizeMs);
  const readers = {
    redis: async () => [
      ...(await readRedisBuckets(deps.redis, deps.config.statsPrefix, bucketsOf(granularity, keptFrom, keptTo), q.consumer)),
      ...(await readBullmqBuckets(deps.redis, deps.scanner.snapshot?.bullmqQueues ?? [], fromMs, toMs, q.consumer)),
    ],
    postgres: () => deps.postgres.deliveryBuckets({ fromMs, toMs, consumer: q.consumer }, q.bucketSeconds, q.groupByConsumer),
  };
  const { parts, stores, missing, errors } = await fromStores(q.store ? { [q.store]: readers[q.store] } : readers);
  if (stores.length === 0) throw errors[0];
  const points = mergeSeries(parts, fromMs, toMs, bucketMs, q.groupByConsumer).map((p) => {
    const partial = p.t + bucketMs > nowMs;
    return {
      t: new Date(p.t).toISOString(),
      deliveries: p.deliveries,
      duplicates: p.duplicates,
      failures: p.failures,
      duplicateRate: partial ? null : rate(p.duplicates, p.deliveries),
      ...(q.groupByConsumer ? { consumer: p.consumer ?? '' } : {}),
      ...(partial ? { partial: true } : {}),
    };
  });
  return { points, sources: { used: stores, missing } };
}

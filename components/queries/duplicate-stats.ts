import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { DuplicateStatsResponse } from '@/lib/contract/read';
import type { StoreName } from '@/lib/contract/vocabulary';
import { getJsonWithHeaders } from './api-client';
import { queryKeys } from './query-keys';
import { LIVE_REFRESH } from './refresh';

export const DUPLICATE_RANGES = {
  '1h': { label: '1 h', seconds: 3600, bucket: 'minute', bucketSeconds: 60 },
  '24h': { label: '24 h', seconds: 86400, bucket: 'hour', bucketSeconds: 3600 },
  '7d': { label: '7 d', seconds: 7 * 86400, bucket: 'hour', bucketSeconds: 3600 },
} as const;

export type DuplicateRange = keyof typeof DUPLICATE_RANGES;

export interface DuplicateStats {
  points: DuplicateStatsResponse;
  fromMs: number;
  toMs: number;
  bucketSeconds: number;
  /** Stores whose counters could not be read (X-Idemscope-Sources-Missing). */
  missing: StoreName[];
}

/** The window is taken at fetch time, so each refresh slides it forward under the same query key. */
export async function getDuplicateStats(range: DuplicateRange, signal?: AbortSignal): Promise<DuplicateStats> {
  const { seconds, bucket, bucketSeconds } = DUPLICATE_RANGES[range];
  const toMs = Date.now();
  const fromMs = toMs - seconds * 1000;
  const { body: points, headers } = await getJsonWithHeaders<DuplicateStatsResponse>(
    '/api/v1/stats/duplicates',
    { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucket, groupBy: 'consumer' },
    signal,
  );
  const missing = (headers.get('x-idemscope-sources-missing') ?? '').split(',').filter((s): s is StoreName => s === 'redis' || s === 'postgres');
  return { points, fromMs, toMs, bucketSeconds, missing };
}

export const duplicateStatsQueryOptions = (range: DuplicateRange) =>
  queryOptions({
    queryKey: queryKeys.duplicateStats(range),
    queryFn: ({ signal }) => getDuplicateStats(range, signal),
    // Switching range keeps the old line on screen until the new one arrives.
    placeholderData: keepPreviousData,
    ...LIVE_REFRESH,
  });

export const useDuplicateStats = (range: DuplicateRange) => useQuery(duplicateStatsQueryOptions(range));

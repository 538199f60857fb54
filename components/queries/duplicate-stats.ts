import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { bucketSecondsFor, DUPLICATE_RANGES, type DuplicateRange } from '@/lib/charts/drilldown';
import type { DuplicateStatsResponse } from '@/lib/contract/read';
import type { StoreName } from '@/lib/contract/vocabulary';
import { getJsonWithHeaders } from './api-client';
import { queryKeys } from './query-keys';
import { LIVE_REFRESH } from './refresh';

export { DUPLICATE_RANGES, type DuplicateRange };

/** What the chart shows: a named range ending now, or a fixed custom one. */
export type DuplicateSelection = { range: DuplicateRange } | { fromMs: number; toMs: number };

export interface DuplicateStats {
  points: DuplicateStatsResponse;
  fromMs: number;
  toMs: number;
  bucketSeconds: number;
  /** Stores whose counters could not be read (X-Idemscope-Sources-Missing). */
  missing: StoreName[];
}

/** A named window is taken at fetch time, so each refresh slides it forward under the same query key. */
function windowOf(selection: DuplicateSelection): { fromMs: number; toMs: number; bucketSeconds: number } {
  if ('range' in selection) {
    const { seconds, bucketSeconds } = DUPLICATE_RANGES[selection.range];
    const toMs = Date.now();
    return { fromMs: toMs - seconds * 1000, toMs, bucketSeconds };
  }
  return { ...selection, bucketSeconds: bucketSecondsFor(selection.toMs - selection.fromMs) };
}

export async function getDuplicateStats(selection: DuplicateSelection, signal?: AbortSignal): Promise<DuplicateStats> {
  const { fromMs, toMs, bucketSeconds } = windowOf(selection);
  const { body: points, headers } = await getJsonWithHeaders<DuplicateStatsResponse>(
    '/api/v1/stats/duplicates',
    { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucket: bucketSeconds, groupBy: 'consumer' },
    signal,
  );
  const missing = (headers.get('x-idemscope-sources-missing') ?? '').split(',').filter((s): s is StoreName => s === 'redis' || s === 'postgres');
  return { points, fromMs, toMs, bucketSeconds, missing };
}

const keyOf = (selection: DuplicateSelection) =>
  'range' in selection ? selection.range : (`${new Date(selection.fromMs).toISOString()}/${new Date(selection.toMs).toISOString()}` as const);

export const duplicateStatsQueryOptions = (selection: DuplicateSelection) =>
  queryOptions({
    queryKey: queryKeys.duplicateStats(keyOf(selection)),
    queryFn: ({ signal }) => getDuplicateStats(selection, signal),
    // Switching range keeps the old line on screen until the new one arrives.
    placeholderData: keepPreviousData,
    // A fixed past range does not change; only a range ending now is refreshed.
    ...('range' in selection ? LIVE_REFRESH : {}),
  });

export const useDuplicateStats = (selection: DuplicateSelection) => useQuery(duplicateStatsQueryOptions(selection));

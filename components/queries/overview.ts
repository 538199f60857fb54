import { queryOptions, useQuery } from '@tanstack/react-query';
import type { OverviewResponse } from '@/lib/contract/read';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';
import { LIVE_REFRESH } from './refresh';

export const getOverview = (signal?: AbortSignal) => getJson<OverviewResponse>('/api/v1/overview', undefined, signal);

export const overviewQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.overview, queryFn: ({ signal }) => getOverview(signal), ...LIVE_REFRESH });

export const useOverview = () => useQuery(overviewQueryOptions());

import { queryOptions, useQuery } from '@tanstack/react-query';
import type { HealthResponse } from '@/lib/contract/read';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';
import { LIVE_REFRESH } from './refresh';

export const getHealth = (signal?: AbortSignal) => getJson<HealthResponse>('/api/v1/health', undefined, signal);

export const healthQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.health, queryFn: ({ signal }) => getHealth(signal), ...LIVE_REFRESH });

export const useHealth = () => useQuery(healthQueryOptions());

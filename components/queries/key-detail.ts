import { queryOptions, useQuery } from '@tanstack/react-query';
import type { KeyDetail } from '@/lib/contract/read';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

export const getKeyDetail = (key: string, signal?: AbortSignal) =>
  getJson<KeyDetail>(`/api/v1/keys/${encodeURIComponent(key)}`, undefined, signal);

export const keyDetailQueryOptions = (key: string) =>
  queryOptions({ queryKey: queryKeys.keys.detail(key), queryFn: ({ signal }) => getKeyDetail(key, signal) });

export const useKeyDetail = (key: string) => useQuery(keyDetailQueryOptions(key));

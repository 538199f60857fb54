import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ExpiryResponse } from '@/lib/contract/read';
import type { StoreName } from '@/lib/contract/vocabulary';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

export const EXPIRY_BUCKET_SECONDS = 3600;
export const EXPIRY_HORIZON_SECONDS = 72 * 3600;

export const getExpiry = (store: StoreName, signal?: AbortSignal) =>
  getJson<ExpiryResponse>(
    '/api/v1/expiry',
    { store, bucket: EXPIRY_BUCKET_SECONDS, horizon: EXPIRY_HORIZON_SECONDS },
    signal,
  );

export const expiryQueryOptions = (store: StoreName) =>
  queryOptions({
    queryKey: queryKeys.expiry(store),
    queryFn: ({ signal }) => getExpiry(store, signal),
    // Hourly buckets move slowly; polling them as often as the headline numbers would only add load.
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
  });

export const useExpiry = (store: StoreName) => useQuery(expiryQueryOptions(store));

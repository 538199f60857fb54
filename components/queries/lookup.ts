import { queryOptions, useQuery } from '@tanstack/react-query';
import type { LookupResponse } from '@/lib/contract/read';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

export const getLookup = (q: string, signal?: AbortSignal) => getJson<LookupResponse>('/api/v1/lookup', { q }, signal);

export const lookupQueryOptions = (q: string) =>
  queryOptions({ queryKey: queryKeys.lookup(q), queryFn: ({ signal }) => getLookup(q, signal), enabled: q.length > 0 });

export const useLookup = (q: string) => useQuery(lookupQueryOptions(q));

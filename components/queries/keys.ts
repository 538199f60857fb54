import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { KeysPage } from '@/lib/contract/read';
import { getJson } from './api-client';
import { type KeyListFilters, queryKeys } from './query-keys';

export const PAGE_SIZE = 50;

export const getKeys = (filters: KeyListFilters, cursor: string | null, signal?: AbortSignal) =>
  getJson<KeysPage>('/api/v1/keys', { ...filters, cursor, limit: PAGE_SIZE }, signal);

/** Pages follow the server's SCAN cursor; a short page with a cursor only means that scan step found few matches. */
export const keysQueryOptions = (filters: KeyListFilters) =>
  infiniteQueryOptions({
    queryKey: queryKeys.keys.list(filters),
    queryFn: ({ pageParam, signal }) => getKeys(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Refetching a listing replays every loaded page against the store; a list is a snapshot the user reloads on purpose.
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });

export const useKeys = (filters: KeyListFilters, enabled = true) => useInfiniteQuery({ ...keysQueryOptions(filters), enabled });

import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { MessagesPage } from '@/lib/contract/read';
import { getJson } from './api-client';
import { type MessageListFilters, queryKeys } from './query-keys';
import { PAGE_SIZE } from './keys';

export const getMessages = (filters: MessageListFilters, cursor: string | null, signal?: AbortSignal) =>
  getJson<MessagesPage>('/api/v1/messages', { ...filters, cursor, limit: PAGE_SIZE }, signal);

export const messagesQueryOptions = (filters: MessageListFilters) =>
  infiniteQueryOptions({
    queryKey: queryKeys.messages.list(filters),
    queryFn: ({ pageParam, signal }) => getMessages(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Refetching a listing replays every loaded page against the store; a list is a snapshot the user reloads on purpose.
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });

export const useMessages = (filters: MessageListFilters, enabled = true) =>
  useInfiniteQuery({ ...messagesQueryOptions(filters), enabled });

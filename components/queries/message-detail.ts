import { queryOptions, useQuery } from '@tanstack/react-query';
import type { MessageDetail } from '@/lib/contract/read';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

export const getMessageDetail = (id: string, signal?: AbortSignal) =>
  getJson<MessageDetail>(`/api/v1/messages/${encodeURIComponent(id)}`, undefined, signal);

export const messageDetailQueryOptions = (id: string) =>
  queryOptions({ queryKey: queryKeys.messages.detail(id), queryFn: ({ signal }) => getMessageDetail(id, signal) });

export const useMessageDetail = (id: string) => useQuery(messageDetailQueryOptions(id));

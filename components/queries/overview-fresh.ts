import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OverviewResponse } from '@/lib/contract/read';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

/** The overview after a keyspace pass that starts now and runs at full speed (the API waits for it, within its timeout). */
export const getFreshOverview = () => getJson<OverviewResponse>('/api/v1/overview', { fresh: 1 });

/** Asks for exact Redis counts now; the answer replaces the overview on screen. */
export function useFreshOverview() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: getFreshOverview,
    onSuccess: (overview) => client.setQueryData(queryKeys.overview, overview),
  });
}

import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PurgeJobView } from '@/lib/contract/actions';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

export const getPurgeJob = (jobId: string, signal?: AbortSignal) => getJson<PurgeJobView>(`/api/v1/purge/${encodeURIComponent(jobId)}`, undefined, signal);

/** Polled every second while the job runs; a finished job no longer changes. */
export const purgeJobQueryOptions = (jobId: string) =>
  queryOptions({
    queryKey: queryKeys.purgeJobs.detail(jobId),
    queryFn: ({ signal }) => getPurgeJob(jobId, signal),
    refetchInterval: (query) => (query.state.data?.status === 'running' || query.state.data?.status === 'waiting' ? 1000 : false),
  });

export const usePurgeJob = (jobId: string | null) => useQuery({ ...purgeJobQueryOptions(jobId ?? ''), enabled: jobId !== null });

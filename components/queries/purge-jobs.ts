import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PurgeJobView } from '@/lib/contract/actions';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

export const getRecentPurgeJobs = (signal?: AbortSignal) => getJson<{ items: PurgeJobView[] }>('/api/v1/purge/jobs', undefined, signal);

export const recentPurgeJobsQueryOptions = () =>
  queryOptions({ queryKey: queryKeys.purgeJobs.recent, queryFn: ({ signal }) => getRecentPurgeJobs(signal) });

/** The latest jobs, so a page opened mid-purge finds the running one. */
export const useRecentPurgeJobs = () => useQuery(recentPurgeJobsQueryOptions());

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PurgeJobView } from '@/lib/contract/actions';
import { newActionId, postJson } from './action-client';
import { queryKeys } from './query-keys';

export type JobCommand = 'cancel' | 'resume';

export const postJobCommand = (jobId: string, command: JobCommand, actionId = newActionId()) =>
  postJson<PurgeJobView>(`/api/v1/purge/${encodeURIComponent(jobId)}/${command}`, { actionId });

/** Cancel or resume a purge job (POST /api/v1/purge/<jobId>/cancel|resume); the job's poll picks up the change. */
export function usePurgeJobCommand(jobId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (command: JobCommand) => postJobCommand(jobId, command),
    onSuccess: (job) => client.setQueryData(queryKeys.purgeJobs.detail(jobId), job),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.purgeJobs.all });
      void client.invalidateQueries({ queryKey: queryKeys.audit.all });
    },
  });
}

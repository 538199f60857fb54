import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PostgresPurgePreview, PostgresPurgeStarted, RedisPurgePreview, RedisPurgeResult } from '@/lib/contract/actions';
import { postJson } from './action-client';
import { queryKeys } from './query-keys';

export type PurgeConfirm =
  | { store: 'postgres'; reason: string; actionId: string }
  | { store: 'redis'; mode: 'expire' | 'delete'; keys: { key: string; seen: string }[]; reason: string; actionId: string };

export function previewPurge(store: 'postgres'): Promise<PostgresPurgePreview>;
export function previewPurge(store: 'redis'): Promise<RedisPurgePreview>;
export function previewPurge(store: 'postgres' | 'redis') {
  return postJson<PostgresPurgePreview | RedisPurgePreview>('/api/v1/purge', { store, dryRun: true });
}

export const confirmPurge = (request: PurgeConfirm) => postJson<PostgresPurgeStarted | RedisPurgeResult>('/api/v1/purge', request);

export function useConfirmPurge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: confirmPurge,
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.purgeJobs.all });
      void client.invalidateQueries({ queryKey: queryKeys.audit.all });
      void client.invalidateQueries({ queryKey: queryKeys.overview });
    },
  });
}

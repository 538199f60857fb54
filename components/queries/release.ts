import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ActionStore, ReleasePreview, ReleaseResult } from '@/lib/contract/actions';
import { postJson } from './action-client';
import { queryKeys } from './query-keys';

export type ReleaseTarget = string | { key: string; seen: string };

export type ReleaseRequest =
  | { keys: ReleaseTarget[]; dryRun?: boolean; reason?: string; actionId?: string }
  | { olderThanSeconds: number; dryRun?: boolean; reason?: string; actionId?: string };

const PATHS: Record<ActionStore, string> = { redis: '/api/v1/keys/release', postgres: '/api/v1/messages/release' };

export const previewRelease = (store: ActionStore, request: ReleaseRequest) =>
  postJson<ReleasePreview>(PATHS[store], { ...request, dryRun: true });

export const confirmRelease = (store: ActionStore, request: ReleaseRequest) =>
  postJson<ReleaseResult>(PATHS[store], { ...request, dryRun: false });

export const usePreviewRelease = (store: ActionStore) => useMutation({ mutationFn: (request: ReleaseRequest) => previewRelease(store, request) });

export const useConfirmRelease = (store: ActionStore) => useMutation({ mutationFn: (request: ReleaseRequest) => confirmRelease(store, request) });

/**
 * After a release the lists, details, overview and audit log all changed.
 * A caller showing the result inside a record's page refreshes when the
 * result is dismissed, since the refreshed page no longer has the record.
 */
export function useRefreshAfterRelease(store: ActionStore): () => void {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: store === 'redis' ? queryKeys.keys.all : queryKeys.messages.all });
    void client.invalidateQueries({ queryKey: queryKeys.overview });
    void client.invalidateQueries({ queryKey: queryKeys.audit.all });
  };
}

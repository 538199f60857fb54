import { queryOptions, useQuery } from '@tanstack/react-query';
import type { SessionInfo } from '@/lib/contract/auth';
import { rememberCsrfToken } from './action-client';
import { getJson } from './api-client';
import { queryKeys } from './query-keys';

export type { SessionInfo };

export async function getSession(signal?: AbortSignal): Promise<SessionInfo> {
  const session = await getJson<SessionInfo>('/api/auth/session', undefined, signal);
  rememberCsrfToken(session.csrfToken);
  return session;
}

export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.session,
    queryFn: ({ signal }) => getSession(signal),
    staleTime: 60_000,
    retry: false,
  });

export const useSession = () => useQuery(sessionQueryOptions());

/** True only when the signed-in user may act right now: an operator on a dashboard that is not read-only. */
export function useCanAct(): boolean {
  const { data } = useSession();
  return data?.role === 'operator' && !data.readOnly;
}

export interface ActionAccess {
  /** The user may act now. */
  allowed: boolean;
  /** Nothing to show yet: the session is still loading or could not be read. */
  hidden: boolean;
  /** Why not, shown next to the disabled control. */
  reason: string;
}

/** Whether operator actions are available, and if not, why: shown instead of hiding the controls. */
export function useActionAccess(): ActionAccess {
  const { data } = useSession();
  if (!data) return { allowed: false, hidden: true, reason: '' };
  if (data.readOnly) return { allowed: false, hidden: false, reason: 'actions are off: this dashboard is read-only' };
  if (data.role !== 'operator') return { allowed: false, hidden: false, reason: 'needs operator role' };
  return { allowed: true, hidden: false, reason: '' };
}

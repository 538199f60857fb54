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

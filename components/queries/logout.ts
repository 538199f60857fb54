import { useMutation } from '@tanstack/react-query';
import { postJson } from './action-client';

export const postLogout = () => postJson<{ signedOut: true }>('/api/auth/logout', {});

/** Signs out, then loads /login afresh so that no cached data of the session survives. */
export const useLogout = () =>
  useMutation({
    mutationFn: postLogout,
    onSuccess: () => window.location.assign(new URL('/login', window.location.origin).toString()),
  });

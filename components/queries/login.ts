import { useMutation } from '@tanstack/react-query';
import type { Role } from '@/lib/auth/roles';
import { postJson } from './action-client';

export interface LoginResponse {
  role: Role;
  readOnly: boolean;
}

export const postLogin = (token: string) => postJson<LoginResponse>('/api/auth/login', { token });

export const useLogin = () => useMutation({ mutationFn: postLogin });

import { useMutation } from '@tanstack/react-query';
import type { LoginResponse } from '@/lib/contract/auth';
import { postJson } from './action-client';

export const postLogin = (token: string) => postJson<LoginResponse>('/api/auth/login', { token });

export const useLogin = () => useMutation({ mutationFn: postLogin });

import { z } from 'zod';
import { parseJsonBody } from '@/lib/actions/body';
import { postOnly } from '@/lib/actions/method-not-allowed';
import { authConfigFrom } from '@/lib/auth/config';
import { checkSignInRequest } from '@/lib/auth/csrf';
import { appSessions } from '@/lib/auth/guard';
import { signIn } from '@/lib/auth/sign-in';
import { env } from '@/lib/config/env';
import { handle } from '@/lib/http/handle';

const body = z.strictObject({ token: z.string().min(1, 'is required').max(512) });

export const POST = handle(async ({ request }) => {
  const config = authConfigFrom(env());
  checkSignInRequest(request, config);
  const { token } = await parseJsonBody(request, body, 4096);
  const result = await signIn(request, token, config, appSessions());
  const headers: Record<string, string> = result.setCookie ? { 'Set-Cookie': result.setCookie } : {};
  return { status: 200, body: result.body, headers };
});

export const GET = handle(postOnly);

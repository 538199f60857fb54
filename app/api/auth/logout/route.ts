import { postOnly } from '@/lib/actions/method-not-allowed';
import { authConfigFrom } from '@/lib/auth/config';
import { appSessions } from '@/lib/auth/guard';
import { signOut } from '@/lib/auth/sign-in';
import { env } from '@/lib/config/env';
import { handle } from '@/lib/http/handle';

export const POST = handle(async ({ request }) => ({
  status: 200,
  body: { signedOut: true },
  headers: { 'Set-Cookie': await signOut(request, authConfigFrom(env()), appSessions()) },
}));

export const GET = handle(postOnly);

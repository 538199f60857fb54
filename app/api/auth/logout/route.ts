import { postOnly } from '@/lib/actions/method-not-allowed';
import { authConfigFrom } from '@/lib/auth/config';
import { signOut } from '@/lib/auth/sign-in';
import { env } from '@/lib/config/env';
import { handle } from '@/lib/http/handle';

export const POST = handle(({ request }) => ({
  status: 200,
  body: { signedOut: true },
  headers: { 'Set-Cookie': signOut(request, authConfigFrom(env())) },
}));

export const GET = handle(postOnly);

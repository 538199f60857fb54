import { authConfigFrom } from '@/lib/auth/config';
import { sessionInfo } from '@/lib/auth/sign-in';
import { env } from '@/lib/config/env';
import { handle, ok } from '@/lib/http/handle';

export const GET = handle(({ request }) => ok(sessionInfo(request, authConfigFrom(env()))));

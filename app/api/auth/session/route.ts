import { authConfigFrom } from '@/lib/auth/config';
import { appSessions } from '@/lib/auth/guard';
import { sessionInfo } from '@/lib/auth/sign-in';
import { env } from '@/lib/config/env';
import { handle, ok } from '@/lib/http/handle';

export const GET = handle(async ({ request }) => ok(await sessionInfo(request, authConfigFrom(env()), appSessions())));

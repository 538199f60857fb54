import { z } from 'zod';
import { actorOf, appActionDeps, replayHeaders, withActionId } from '@/lib/actions/app';
import { parseJsonBody } from '@/lib/actions/body';
import { postOnly } from '@/lib/actions/method-not-allowed';
import { endAllSessions } from '@/lib/actions/sessions-action';
import { appSessions, requireOperatorAction } from '@/lib/auth/guard';
import { handle } from '@/lib/http/handle';
import { storableText } from '@/lib/http/text';

const body = z.strictObject({ reason: storableText(500).trim().min(1, 'must not be empty').optional(), actionId: z.uuid().optional() });

export const POST = handle(
  async ({ request, principal }) => {
    const parsed = withActionId(request, await parseJsonBody(request, body, 4096));
    const outcome = await endAllSessions(appActionDeps().db, appSessions(), actorOf(request, principal), parsed);
    return { status: 200, body: outcome.body, headers: replayHeaders(outcome.replayed) };
  },
  { guard: requireOperatorAction() },
);

export const GET = handle(postOnly);

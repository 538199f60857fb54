import { actorOf, appActionDeps, replayHeaders, withActionId } from '@/lib/actions/app';
import { parseJsonBody } from '@/lib/actions/body';
import { postOnly } from '@/lib/actions/method-not-allowed';
import { cancelJobAction } from '@/lib/actions/purge-action';
import { jobActionBody, jobIdParam } from '@/lib/actions/schemas';
import { requireOperatorAction } from '@/lib/auth/guard';
import { handle } from '@/lib/http/handle';
import { parseWith } from '@/lib/http/query';

export const POST = handle<{ jobId: string }>(
  async ({ request, params, principal }) => {
    const jobId = parseWith(jobIdParam, params.jobId);
    const body = withActionId(request, await parseJsonBody(request, jobActionBody, 4096));
    const outcome = await cancelJobAction(appActionDeps(), actorOf(request, principal), jobId, body.actionId);
    return { status: 200, body: outcome.body, headers: replayHeaders(outcome.replayed) };
  },
  { guard: requireOperatorAction() },
);

export const GET = handle<{ jobId: string }>(postOnly);

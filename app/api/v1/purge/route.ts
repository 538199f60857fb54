import { actorOf, appActionDeps, replayHeaders, withActionId } from '@/lib/actions/app';
import { parseJsonBody } from '@/lib/actions/body';
import { maxBodyBytes } from '@/lib/actions/deps';
import { postOnly } from '@/lib/actions/method-not-allowed';
import { purgeAction } from '@/lib/actions/purge-action';
import { purgeBody } from '@/lib/actions/schemas';
import { requireOperatorAction } from '@/lib/auth/guard';
import { handle } from '@/lib/http/handle';

export const POST = handle(
  async ({ request, principal }) => {
    const deps = appActionDeps();
    const body = withActionId(request, await parseJsonBody(request, purgeBody, maxBodyBytes(deps.config)));
    const outcome = await purgeAction(deps, actorOf(request, principal), body);
    if (outcome.dryRun) return { status: 200, body: outcome.preview };
    const headers = replayHeaders(outcome.replayed);
    if ('jobId' in outcome.body) return { status: 202, body: outcome.body, headers: { ...headers, Location: `/api/v1/purge/${outcome.body.jobId}` } };
    return { status: 200, body: outcome.body, headers };
  },
  { guard: requireOperatorAction() },
);

export const GET = handle(postOnly);

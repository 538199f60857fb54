import { actorOf, appActionDeps, replayHeaders, withActionId } from '@/lib/actions/app';
import { parseJsonBody } from '@/lib/actions/body';
import { maxBodyBytes } from '@/lib/actions/deps';
import { postOnly } from '@/lib/actions/method-not-allowed';
import { releaseAction } from '@/lib/actions/release-action';
import { releaseBody } from '@/lib/actions/schemas';
import { requireOperatorAction } from '@/lib/auth/guard';
import { handle } from '@/lib/http/handle';

export const POST = handle(
  async ({ request, principal }) => {
    const deps = appActionDeps();
    const body = withActionId(request, await parseJsonBody(request, releaseBody, maxBodyBytes(deps.config)));
    const outcome = await releaseAction(deps, 'postgres', actorOf(request, principal), body);
    if (outcome.dryRun) return { status: 200, body: outcome.preview };
    return { status: 200, body: outcome.body, headers: replayHeaders(outcome.replayed) };
  },
  { guard: requireOperatorAction() },
);

export const GET = handle(postOnly);

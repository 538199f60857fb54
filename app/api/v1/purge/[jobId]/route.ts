import { appActionDeps } from '@/lib/actions/app';
import { jobById } from '@/lib/actions/purge-action';
import { jobIdParam } from '@/lib/actions/schemas';
import { requireRole } from '@/lib/auth/guard';
import { handle, ok } from '@/lib/http/handle';
import { parseWith } from '@/lib/http/query';

export const GET = handle<{ jobId: string }>(
  async ({ params }) => ok(await jobById(appActionDeps(), parseWith(jobIdParam, params.jobId))),
  { guard: requireRole('viewer') },
);

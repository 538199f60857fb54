import { appActionDeps } from '@/lib/actions/app';
import { getPurgeJob } from '@/lib/actions/purge-jobs';
import { jobIdParam } from '@/lib/actions/schemas';
import { requireRole } from '@/lib/auth/guard';
import { handle, ok } from '@/lib/http/handle';
import { parseWith } from '@/lib/http/query';

export const GET = handle<{ jobId: string }>(
  async ({ params }) => ok(await getPurgeJob(appActionDeps().db, parseWith(jobIdParam, params.jobId))),
  { guard: requireRole('viewer') },
);

import { appActionDeps } from '@/lib/actions/app';
import { recentPurgeJobs } from '@/lib/actions/purge-jobs';
import { requireRole } from '@/lib/auth/guard';
import { handle, ok } from '@/lib/http/handle';

export const GET = handle(async () => ok({ items: await recentPurgeJobs(appActionDeps().db, 5) }), { guard: requireRole('viewer') });

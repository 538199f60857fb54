import { appActionDeps } from '@/lib/actions/app';
import { recentJobs } from '@/lib/actions/purge-action';
import { requireRole } from '@/lib/auth/guard';
import { handle, ok } from '@/lib/http/handle';

export const GET = handle(async () => ok({ items: await recentJobs(appActionDeps(), 5) }), { guard: requireRole('viewer') });

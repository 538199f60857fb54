import { dashboard } from '@/lib/dashboard/context';
import { CONTENT_TYPE, getMetrics } from '@/lib/dashboard/metrics/metrics';
import { handle, ok } from '@/lib/http/handle';

export const GET = handle(async () => ok(await getMetrics(dashboard()), { 'Content-Type': CONTENT_TYPE }));

import { dashboard } from '@/lib/dashboard/context';
import { getHealth } from '@/lib/dashboard/health';
import { handle, ok } from '@/lib/http/handle';

// Always 200: the body says which store is down; the page shows it instead of an error.
export const GET = handle(async () => ok(await getHealth(dashboard())));

import { dashboard } from '@/lib/dashboard/context';
import { getOverview } from '@/lib/dashboard/overview';
import { handle, ok } from '@/lib/http/handle';
import { flagParam, parseQuery } from '@/lib/http/query';

export const GET = handle(async ({ url }) => {
  const { fresh } = parseQuery(url, { fresh: flagParam });
  return ok(await getOverview(dashboard(), { fresh }));
});

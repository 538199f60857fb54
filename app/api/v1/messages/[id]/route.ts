import { z } from 'zod';
import { dashboard } from '@/lib/dashboard/context';
import { requireMessageDetail } from '@/lib/dashboard/messages';
import { handle, ok } from '@/lib/http/handle';
import { parseQuery } from '@/lib/http/query';
import { tableName } from '@/lib/actions/schemas';

export const GET = handle<{ id: string }>(async ({ url, params }) => {
  const { fingerprint, table } = parseQuery(url, { fingerprint: z.string().max(512).optional(), table: tableName.optional() });
  return ok(await requireMessageDetail(dashboard(), params.id, { fingerprint, table }));
});

import { z } from 'zod';
import { RECORD_STATES } from '@/lib/contract/vocabulary';
import { dashboard } from '@/lib/dashboard/context';
import { listKeys } from '@/lib/dashboard/keys';
import { handle, ok } from '@/lib/http/handle';
import { limitParam, parseQuery } from '@/lib/http/query';

export const GET = handle(async ({ url }) => {
  const query = parseQuery(url, {
    state: z.enum(RECORD_STATES).optional(),
    pattern: z.string().optional(),
    cursor: z.string().max(2000).optional(),
    limit: limitParam(50, 500),
  });
  return ok(await listKeys(dashboard(), query));
});

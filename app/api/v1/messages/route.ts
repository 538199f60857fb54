import { z } from 'zod';
import { RECORD_STATES } from '@/lib/contract/vocabulary';
import { dashboard } from '@/lib/dashboard/context';
import { listMessages } from '@/lib/dashboard/messages';
import { handle, ok } from '@/lib/http/handle';
import { limitParam, parseKeySearch, parseListingWindow, parseQuery } from '@/lib/http/query';
import { storableText } from '@/lib/http/text';
import { tableName } from '@/lib/actions/schemas';

export const GET = handle(async ({ url }) => {
  const query = parseQuery(url, {
    table: tableName.optional(),
    state: z.enum(RECORD_STATES).optional(),
    consumer: storableText(512).optional(),
    sort: z.enum(['newest', 'oldest']).optional(),
    cursor: z.string().max(2000).optional(),
    limit: limitParam(50, 500),
  });
  return ok(await listMessages(dashboard(), { ...query, between: parseListingWindow(url), search: parseKeySearch(url) }));
});

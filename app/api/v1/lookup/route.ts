import { z } from 'zod';
import { dashboard } from '@/lib/dashboard/context';
import { lookup } from '@/lib/dashboard/lookup';
import { handle, ok } from '@/lib/http/handle';
import { parseQuery } from '@/lib/http/query';

export const GET = handle(async ({ url }) => {
  const { q } = parseQuery(url, { q: z.string({ message: 'required: a key or message id' }).trim().min(1).max(4096) });
  return ok(await lookup(dashboard(), q));
});

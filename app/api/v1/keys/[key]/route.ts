import { z } from 'zod';
import { dashboard } from '@/lib/dashboard/context';
import { requireKeyDetail } from '@/lib/dashboard/key-detail';
import { handle, ok } from '@/lib/http/handle';
import { parseQuery, parseWith } from '@/lib/http/query';

export const GET = handle<{ key: string }>(async ({ url, params }) => {
  const key = parseWith(z.object({ key: z.string().min(1).max(4096) }), params).key;
  const { fingerprint } = parseQuery(url, { fingerprint: z.string().max(512).optional() });
  return ok(await requireKeyDetail(dashboard(), key, { fingerprint }));
});

import { z } from 'zod';
import { STORES } from '@/lib/contract/vocabulary';
import { dashboard } from '@/lib/dashboard/context';
import { getExpiry, MAX_HORIZON_SECONDS } from '@/lib/dashboard/expiry';
import { handle, ok } from '@/lib/http/handle';
import { durationParam, parseQuery } from '@/lib/http/query';

export const GET = handle(async ({ url }) => {
  const q = parseQuery(url, {
    store: z.enum(STORES).default('redis'),
    bucket: durationParam.default(3600),
    horizon: durationParam.default(MAX_HORIZON_SECONDS),
  });
  return ok(await getExpiry(dashboard(), { store: q.store, bucketSeconds: q.bucket, horizonSeconds: q.horizon }));
});

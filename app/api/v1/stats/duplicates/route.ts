import { z } from 'zod';
import { STORES } from '@/lib/contract/vocabulary';
import { dashboard } from '@/lib/dashboard/context';
import { getDuplicateStatsWithSources } from '@/lib/dashboard/duplicates';
import { handle, ok } from '@/lib/http/handle';
import { durationParam, instantParam, parseQuery } from '@/lib/http/query';
import { storableText } from '@/lib/http/text';

export const GET = handle(async ({ url }) => {
  const now = Date.now();
  const q = parseQuery(url, {
    from: instantParam.optional(),
    to: instantParam.optional(),
    bucket: durationParam.optional(),
    consumer: storableText(512).optional(),
    groupBy: z.enum(['consumer']).optional(),
    store: z.enum(STORES).optional(),
  });
  const toMs = q.to ?? now;
  const { points, sources } = await getDuplicateStatsWithSources(dashboard(), {
    fromMs: q.from ?? toMs - 86_400_000,
    toMs,
    bucketSeconds: q.bucket ?? 3600,
    consumer: q.consumer,
    groupByConsumer: q.groupBy === 'consumer',
    store: q.store,
  });
  // The body stays a plain array of points; which stores it includes travels alongside.
  return ok(points, { 'X-Idemscope-Sources': sources.used.join(','), 'X-Idemscope-Sources-Missing': sources.missing.join(',') });
});

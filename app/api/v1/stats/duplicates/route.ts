import { z } from 'zod';
import { STORES } from '@/lib/contract/vocabulary';
import { dashboard } from '@/lib/dashboard/context';
import { getDuplicateStatsWithSources, MAX_RANGE_SECONDS } from '@/lib/dashboard/duplicates';
import { handle, ok } from '@/lib/http/handle';
import { durationParam, parseQuery, parseRange } from '@/lib/http/query';
import { storableText } from '@/lib/http/text';

export const GET = handle(async ({ url }) => {
  const now = Date.now();
  const q = parseQuery(url, {
    bucket: durationParam.optional(),
    consumer: storableText(512).optional(),
    groupBy: z.enum(['consumer']).optional(),
    store: z.enum(STORES).optional(),
  });
  const { fromMs, toMs } = parseRange(url, MAX_RANGE_SECONDS, { nowMs: now, spanMs: 86_400_000 });
  const { points, sources } = await getDuplicateStatsWithSources(dashboard(), {
    fromMs: fromMs!,
    toMs: toMs!,
    bucketSeconds: q.bucket ?? 3600,
    consumer: q.consumer,
    groupByConsumer: q.groupBy === 'consumer',
    store: q.store,
  });
  // The body stays a plain array of points; which stores it includes travels alongside.
  return ok(points, { 'X-Idemscope-Sources': sources.used.join(','), 'X-Idemscope-Sources-Missing': sources.missing.join(',') });
});

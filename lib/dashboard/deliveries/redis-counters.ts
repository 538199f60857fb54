import { parseStatsField } from '../../idempotency/stats-keys';
import { taggedStatsKey } from '../../idempotency/stores/redis-layout';
import type { RedisReadStore } from '../../stores/redis/read-store';
import type { DeliveryBucket, DeliveryCounters } from '../../stores/postgres/deliveries';
import type { BucketRef } from './cover';

/**
 * The library's Redis counters for the given buckets, one entry per bucket
 * and consumer (HGETALL of each bucket hash in one pipeline). Of its
 * counters, deliveries, duplicates and failures are read. On a cluster a
 * bucket is one hash per slot group, summed here.
 */
export async function readRedisBuckets(redis: RedisReadStore, statsPrefix: string, buckets: readonly BucketRef[], consumer?: string): Promise<DeliveryBucket[]> {
  const tags = redis.counterTags;
  const hashes = await redis.hashes(buckets.flatMap((b) => tags.map((tag) => taggedStatsKey(statsPrefix, b.granularity, b.startMs / 1000, tag))));
  const out: DeliveryBucket[] = [];
  buckets.forEach((_, i) => {
    const perConsumer = new Map<string, DeliveryCounters>();
    const fields = hashes.slice(i * tags.length, (i + 1) * tags.length).flatMap((hash) => Object.entries(hash));
    for (const [field, value] of fields) {
      const parsed = parseStatsField(field);
      if (!parsed || (consumer !== undefined && parsed.consumer !== consumer)) continue;
      if (parsed.counter !== 'deliveries' && parsed.counter !== 'duplicates' && parsed.counter !== 'failures') continue;
      const entry = perConsumer.get(parsed.consumer) ?? { deliveries: 0, duplicates: 0, failures: 0 };
      entry[parsed.counter] += Number(value) || 0;
      perConsumer.set(parsed.consumer, entry);
    }
    for (const [name, counters] of perConsumer) out.push({ t: buckets[i]!.startMs, consumer: name, ...counters });
  });
  return out;
}

import type { RedisReadStore } from '../../stores/redis/read-store';
import type { DeliveryBucket } from '../../stores/postgres/deliveries';

/** BullMQ keeps about this many events per queue (streams.events.maxLen); one XRANGE reads at most that. */
export const EVENTS_PER_QUEUE = 10_000;
const MINUTE_MS = 60_000;

/** The consumer name a queue's events are charted under. */
export function queueConsumer(base: string): string {
  const name = base.slice(0, -1);
  return `bullmq:${name.slice(name.lastIndexOf(':') + 1)}`;
}

/**
 * Deliveries and duplicates per minute and queue from BullMQ's own events
 * streams (`<prefix>:<queue>:events`): an `added` event is a job, a
 * `deduplicated` one an add that BullMQ dropped for its dedup id, `failed` a
 * failure. The streams are capped, so older minutes may be missing; the
 * queues are the ones the last keyspace pass saw dedup keys of.
 */
export async function readBullmqBuckets(redis: RedisReadStore, queues: readonly string[], fromMs: number, toMs: number, consumer?: string): Promise<DeliveryBucket[]> {
  const out: DeliveryBucket[] = [];
  const wanted = queues.filter((base) => consumer === undefined || queueConsumer(base) === consumer);
  const streams = await Promise.all(wanted.map((base) => redis.streamRange(`${base}events`, fromMs, toMs - 1, EVENTS_PER_QUEUE)));
  streams.forEach((entries, i) => {
    const name = queueConsumer(wanted[i]!);
    const minutes = new Map<number, DeliveryBucket>();
    for (const entry of entries) {
      const event = entry.fields.event;
      if (event !== 'added' && event !== 'deduplicated' && event !== 'failed') continue;
      const t = Math.floor(Number(entry.id.split('-')[0]) / MINUTE_MS) * MINUTE_MS;
      const bucket = minutes.get(t) ?? { t, consumer: name, deliveries: 0, duplicates: 0, failures: 0 };
      if (event === 'failed') bucket.failures++;
      else {
        bucket.deliveries++;
        if (event === 'deduplicated') bucket.duplicates++;
      }
      minutes.set(t, bucket);
    }
    out.push(...minutes.values());
  });
  return out;
}

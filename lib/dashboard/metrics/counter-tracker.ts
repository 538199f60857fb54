import type { StoreName } from '../../records/states';
import type { DeliveryBucket, DeliveryCounters } from '../../stores/postgres/deliveries';

const MINUTE_MS = 60_000;
/** Minute buckets this recent may still grow; older ones are final. */
const OPEN_MS = 15 * MINUTE_MS;
/** However long since the last scrape, never read more than a day of minute buckets. */
const MAX_WINDOW_MS = 24 * 3_600_000;

export interface CounterTotal extends DeliveryCounters {
  store: StoreName;
  consumer: string;
}

/**
 * Prometheus counters must only go up, but the stores keep counts in
 * expiring time buckets. Each scrape reads the recent minute buckets and
 * adds how much each grew since it was last seen; the totals are this
 * process's, and a restart is an ordinary counter reset.
 */
export class DeliveryCounterTracker {
  private readonly seen = new Map<string, DeliveryCounters>();
  private readonly totals = new Map<string, CounterTotal>();
  private lastReadMs: number | null = null;

  /** The minute range the next scrape should read. */
  window(nowMs: number): { fromMs: number; toMs: number } {
    const toMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const since = Math.min(this.lastReadMs ?? nowMs, nowMs) - OPEN_MS;
    const fromMs = Math.floor(Math.max(since, nowMs - MAX_WINDOW_MS) / MINUTE_MS) * MINUTE_MS;
    return { fromMs, toMs };
  }

  observe(store: StoreName, buckets: readonly DeliveryBucket[]): void {
    for (const b of buckets) {
      const consumer = b.consumer ?? '';
      const bucketId = `${store}|${consumer}|${b.t}`;
      const before = this.seen.get(bucketId) ?? { deliveries: 0, duplicates: 0, failures: 0 };
      const total = this.totals.get(`${store}|${consumer}`) ?? { store, consumer, deliveries: 0, duplicates: 0, failures: 0 };
      total.deliveries += Math.max(0, b.deliveries - before.deliveries);
      total.duplicates += Math.max(0, b.duplicates - before.duplicates);
      total.failures += Math.max(0, b.failures - before.failures);
      this.totals.set(`${store}|${consumer}`, total);
      this.seen.set(bucketId, { deliveries: b.deliveries, duplicates: b.duplicates, failures: b.failures });
    }
  }

  /** Marks the scrape done; forgets buckets that can no longer change. */
  finish(nowMs: number): void {
    this.lastReadMs = nowMs;
    const oldest = nowMs - OPEN_MS - MINUTE_MS;
    for (const id of this.seen.keys()) {
      if (Number(id.slice(id.lastIndexOf('|') + 1)) < oldest) this.seen.delete(id);
    }
  }

  current(): CounterTotal[] {
    return [...this.totals.values()].sort((a, b) => (a.store + a.consumer).localeCompare(b.store + b.consumer));
  }
}

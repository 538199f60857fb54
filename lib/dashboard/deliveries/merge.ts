import type { DeliveryBucket, DeliveryCounters } from '../../stores/postgres/deliveries';

export function rate(duplicates: number, deliveries: number): number | null {
  return deliveries > 0 ? duplicates / deliveries : null;
}

export function sumCounters(parts: readonly DeliveryCounters[]): DeliveryCounters {
  return parts.reduce(
    (acc, p) => ({ deliveries: acc.deliveries + p.deliveries, duplicates: acc.duplicates + p.duplicates, failures: acc.failures + p.failures }),
    { deliveries: 0, duplicates: 0, failures: 0 },
  );
}

/**
 * Sums counter buckets (from either store) into output buckets of
 * `bucketMs` starting at `fromMs`, optionally per consumer, and fills the
 * gaps with zeros so that a chart's time axis has no holes.
 */
export function mergeSeries(parts: readonly DeliveryBucket[], fromMs: number, toMs: number, bucketMs: number, byConsumer: boolean): DeliveryBucket[] {
  const consumers = byConsumer ? [...new Set(parts.map((p) => p.consumer ?? ''))].sort() : [null];
  const slots = Math.max(0, Math.ceil((toMs - fromMs) / bucketMs));
  const grid = new Map<string, DeliveryBucket>();
  const id = (t: number, consumer: string | null) => `${t}|${consumer ?? ''}`;
  for (let i = 0; i < slots; i++) {
    const t = fromMs + i * bucketMs;
    for (const consumer of consumers) grid.set(id(t, consumer), { t, consumer, deliveries: 0, duplicates: 0, failures: 0 });
  }
  for (const p of parts) {
    if (p.t < fromMs || p.t >= toMs) continue;
    const t = fromMs + Math.floor((p.t - fromMs) / bucketMs) * bucketMs;
    const slot = grid.get(id(t, byConsumer ? (p.consumer ?? '') : null));
    if (!slot) continue;
    slot.deliveries += p.deliveries;
    slot.duplicates += p.duplicates;
    slot.failures += p.failures;
  }
  return [...grid.values()];
}

import type { DeliveryWindow, DeliveryWindowName } from '../../contract/read';
import type { StoreName } from '../../contract/vocabulary';
import type { DashboardDeps } from '../deps';
import { coverRange, floorTo } from './cover';
import { rate, sumCounters } from './merge';
import { readRedisBuckets } from './redis-counters';

const MINUTE_MS = 60_000;
const WINDOW_MS: Record<DeliveryWindowName, number> = { '1h': 3_600_000, '24h': 86_400_000 };

/** [from, to) of a named window: whole minutes, the current one included. */
export function windowRange(name: DeliveryWindowName, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = floorTo(nowMs, MINUTE_MS) + MINUTE_MS;
  return { fromMs: toMs - WINDOW_MS[name], toMs };
}

/**
 * Reads each store on its own: one that fails leaves the other's numbers
 * standing, and the answer lists the stores it includes.
 */
export async function fromStores<T>(
  readers: Partial<Record<StoreName, () => Promise<T[]>>>,
): Promise<{ parts: T[]; stores: StoreName[]; missing: StoreName[]; errors: unknown[] }> {
  const names = Object.keys(readers) as StoreName[];
  const results = await Promise.allSettled(names.map((name) => readers[name]!()));
  const parts: T[] = [];
  const stores: StoreName[] = [];
  const missing: StoreName[] = [];
  const errors: unknown[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      parts.push(...result.value);
      stores.push(names[i]!);
    } else {
      missing.push(names[i]!);
      errors.push(result.reason);
    }
  });
  return { parts, stores, missing, errors };
}

export async function deliveryWindow(deps: DashboardDeps, name: DeliveryWindowName, nowMs: number): Promise<DeliveryWindow> {
  const { fromMs, toMs } = windowRange(name, nowMs);
  const { parts, stores, missing } = await fromStores({
    redis: () => readRedisBuckets(deps.redis, deps.config.statsPrefix, coverRange(fromMs, toMs)),
    postgres: async () => [await deps.postgres.deliveryTotals({ fromMs, toMs })],
  });
  const total = sumCounters(parts);
  return {
    window: name,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    total: total.deliveries,
    duplicates: total.duplicates,
    failures: total.failures,
    duplicateRate: rate(total.duplicates, total.deliveries),
    stores,
    missing,
  };
}

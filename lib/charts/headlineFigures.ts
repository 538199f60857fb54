import type { DeliveryWindow, DeliveryWindowName, OverviewResponse } from '@/lib/contract/read';

/** A figure summed over both stores; `partial` when one store could not be counted. */
export interface Combined {
  total: number | null;
  redis: number | null;
  postgres: number | null;
  partial: boolean;
  estimated: boolean;
}

export interface HeadlineFigures {
  deliveries: Record<DeliveryWindowName, DeliveryWindow | null>;
  inFlight: Combined;
  stuck: Combined;
  expiredAwaitingPurge: Combined;
  noExpiry: number | null;
  failed: { value: number | null; estimated: boolean };
  unrecognized: number | null;
}

export function combine(redis: number | null, postgres: number | null, estimated = false): Combined {
  const known = [redis, postgres].filter((v): v is number => v != null);
  return {
    total: known.length ? known.reduce((a, b) => a + b, 0) : null,
    redis,
    postgres,
    partial: known.length === 1,
    estimated,
  };
}

/** The overview's headline numbers, summed across stores without ever treating "unknown" as zero. */
export function headlineFigures(overview: OverviewResponse): HeadlineFigures {
  const windows = new Map(overview.deliveryWindows.map((w) => [w.window, w]));
  const { redis, postgres } = overview;
  return {
    deliveries: { '1h': windows.get('1h') ?? overview.deliveries ?? null, '24h': windows.get('24h') ?? null },
    inFlight: combine(redis.processing, postgres.processing, postgres.estimated.processing),
    stuck: combine(redis.stuck, postgres.stuck, postgres.estimated.stuck),
    expiredAwaitingPurge: combine(
      overview.expiredAwaitingPurge.redis,
      overview.expiredAwaitingPurge.postgres,
      overview.expiredAwaitingPurge.postgresEstimated,
    ),
    noExpiry: redis.noExpiry,
    failed: { value: postgres.failed, estimated: postgres.estimated.failed },
    unrecognized: redis.unrecognized,
  };
}

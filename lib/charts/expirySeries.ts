import type { ExpiryResponse } from '@/lib/contract/read';
import type { StoreName } from '@/lib/contract/vocabulary';

/** Records expiring in one bucket; a store that could not be read is null rather than 0. */
export interface ExpiryRow {
  t: number;
  redis: number | null;
  postgres: number | null;
}

export interface ExpirySeries {
  rows: ExpiryRow[];
  /** Already past expiry but still stored, per store. */
  overdue: Record<StoreName, number | null>;
  bucketSeconds: number;
  horizonSeconds: number;
  /** Records expiring within the horizon, both stores. */
  upcoming: number;
  estimated: boolean;
  snapshotAgeSeconds: number | null;
}

export interface ExpiryWindow {
  nowMs: number;
  bucketSeconds: number;
  horizonSeconds: number;
}

const MAX_ROWS = 1000;

/**
 * Lines both stores' expiry buckets up on one evenly spaced time axis, from
 * the bucket holding `now` to the horizon, so the two can be stacked.
 */
export function expirySeries(
  responses: Partial<Record<StoreName, ExpiryResponse | null>>,
  window: ExpiryWindow,
): ExpirySeries {
  const bucketMs = window.bucketSeconds * 1000;
  const start = Math.floor(window.nowMs / bucketMs) * bucketMs;
  const rowCount = Math.min(MAX_ROWS, Math.ceil((window.horizonSeconds * 1000) / bucketMs));
  const rows: ExpiryRow[] = Array.from({ length: rowCount }, (_, i) => ({
    t: start + i * bucketMs,
    redis: responses.redis ? 0 : null,
    postgres: responses.postgres ? 0 : null,
  }));

  let upcoming = 0;
  for (const store of ['redis', 'postgres'] as const) {
    for (const bucket of responses[store]?.buckets ?? []) {
      const t = Date.parse(bucket.t);
      if (Number.isNaN(t)) continue;
      const index = Math.floor((t - start) / bucketMs);
      const row = rows[index];
      if (!row || index < 0) continue;
      row[store] = (row[store] ?? 0) + bucket.count;
      upcoming += bucket.count;
    }
  }

  return {
    rows,
    overdue: { redis: responses.redis?.overdue ?? null, postgres: responses.postgres?.overdue ?? null },
    bucketSeconds: window.bucketSeconds,
    horizonSeconds: window.horizonSeconds,
    upcoming,
    estimated: Boolean(responses.redis?.estimated || responses.postgres?.estimated),
    snapshotAgeSeconds: responses.redis?.snapshotAgeSeconds ?? null,
  };
}

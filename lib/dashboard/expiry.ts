import type { StoreName } from '../records/states';
import { HOUR_MS, type KeyspaceSnapshot } from '../scanner/snapshot';
import type { ExpiryResponse } from '../contract/read';
import { floorTo } from './deliveries/cover';
import type { DashboardDeps } from './deps';
import { InvalidParameterError, StoreUnavailableError } from '../errors';
import { sharedRowCounts } from './row-counts';
import { rowClock } from '../stores/postgres/rules';

export interface ExpiryQuery {
  store: StoreName;
  bucketSeconds: number;
  horizonSeconds: number;
}

/** The scanner's histogram reaches this far ahead. */
export const MAX_HORIZON_SECONDS = 72 * 3600;

/**
 * When records leave their store, per bucket, from the start of the current
 * bucket up to the horizon, plus those already past expiry but still stored.
 * Redis: the scanner snapshot's hourly TTL histogram (no SCAN here).
 * Postgres: see rowExpiry; `overdue` is the expired count of the overview.
 */
export async function getExpiry(deps: DashboardDeps, q: ExpiryQuery): Promise<ExpiryResponse> {
  if (q.bucketSeconds % 3600 !== 0) throw new InvalidParameterError('bucket', 'must be a whole number of hours');
  if (q.horizonSeconds > MAX_HORIZON_SECONDS) throw new InvalidParameterError('horizon', `at most ${MAX_HORIZON_SECONDS} s (72 h)`);
  if (q.horizonSeconds < q.bucketSeconds) throw new InvalidParameterError('horizon', 'must be at least one bucket');
  const nowMs = deps.now();
  const bucketMs = q.bucketSeconds * 1000;
  const originMs = floorTo(nowMs, bucketMs);
  const count = Math.ceil((nowMs + q.horizonSeconds * 1000 - originMs) / bucketMs);
  const t = (i: number) => new Date(originMs + i * bucketMs).toISOString();

  if (q.store === 'redis') {
    deps.scanner.start();
    const snapshot = deps.scanner.snapshot;
    if (!snapshot) throw new StoreUnavailableError('redis', deps.scanner.status().lastError ?? 'the first keyspace pass has not completed yet');
    const buckets = rebucket(snapshot, originMs, bucketMs, count);
    return {
      store: 'redis',
      bucketSeconds: q.bucketSeconds,
      horizonSeconds: q.horizonSeconds,
      overdue: snapshot.expiry.overdue,
      buckets: buckets.map((n, i) => ({ t: t(i), count: n })),
      estimated: false,
      snapshotAgeSeconds: Math.max(0, Math.round((nowMs - snapshot.completedAtMs) / 1000)),
    };
  }

  const clock = rowClock(nowMs, deps.config.stuckAfterSeconds, deps.config.retentionHours);
  const [{ value: histogram }, { value: counts }] = await Promise.all([
    deps.memo.get(`pg:expiry:${originMs}:${q.bucketSeconds}:${count}`, deps.config.aggregateCacheMs, () =>
      deps.postgres.expiry(clock, deps.config.retentionHours, originMs, q.bucketSeconds, count),
    ),
    sharedRowCounts(deps, nowMs),
  ]);
  return {
    store: 'postgres',
    bucketSeconds: q.bucketSeconds,
    horizonSeconds: q.horizonSeconds,
    overdue: counts.expired.value,
    buckets: histogram.buckets.map((n, i) => ({ t: t(i), count: n })),
    estimated: histogram.estimated || counts.expired.estimated,
    snapshotAgeSeconds: null,
  };
}

/** Moves the snapshot's hourly buckets onto the requested grid; hours already past are gone from Redis. */
function rebucket(snapshot: KeyspaceSnapshot, originMs: number, bucketMs: number, count: number): number[] {
  const out = new Array<number>(count).fill(0);
  snapshot.expiry.hourly.forEach((n, i) => {
    const hourStart = snapshot.expiry.fromMs + i * HOUR_MS;
    const j = Math.floor((hourStart - originMs) / bucketMs);
    if (j >= 0 && j < count) out[j]! += n;
  });
  return out;
}

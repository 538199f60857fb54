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
 * Each store has its own source: Redis the keyspace snapshot, Postgres SQL.
 */
export async function getExpiry(deps: DashboardDeps, q: ExpiryQuery): Promise<ExpiryResponse> {
  if (q.bucketSeconds % 3600 !== 0) throw new InvalidParameterError('bucket', 'must be a whole number of hours');
  if (q.horizonSeconds > MAX_HORIZON_SECONDS) throw new InvalidParameterError('horizon', `at most ${MAX_HORIZON_SECONDS} s (72 h)`);
  if (q.horizonSeconds < q.bucketSeconds) throw new InvalidParameterError('horizon', 'must be at least one bucket');
  const nowMs = deps.now();
  const bucketMs = q.bucketSeconds * 1000;
  const originMs = floorTo(nowMs, bucketMs);
  const count = Math.ceil((nowMs + q.horizonSeconds * 1000 - originMs) / bucketMs);
  return EXPIRY_SOURCES[q.store](deps, q, { nowMs, originMs, bucketMs, count });
}

interface Grid {
  nowMs: number;
  originMs: number;
  bucketMs: number;
  count: number;
}

const at = (grid: Grid, i: number) => new Date(grid.originMs + i * grid.bucketMs).toISOString();

/** Redis: the scanner snapshot's hourly TTL histogram (no SCAN here). */
async function redisExpiry(deps: DashboardDeps, q: ExpiryQuery, grid: Grid): Promise<ExpiryResponse> {
  deps.scanner.start();
  const snapshot = deps.scanner.snapshot;
  if (!snapshot) throw new StoreUnavailableError('redis', deps.scanner.status().lastError ?? 'the first keyspace pass has not completed yet');
  const buckets = rebucket(snapshot, grid.originMs, grid.bucketMs, grid.count);
  return {
    store: 'redis',
    bucketSeconds: q.bucketSeconds,
    horizonSeconds: q.horizonSeconds,
    overdue: snapshot.expiry.overdue,
    buckets: buckets.map((n, i) => ({ t: at(grid, i), count: n })),
    estimated: false,
    snapshotAgeSeconds: Math.max(0, Math.round((grid.nowMs - snapshot.completedAtMs) / 1000)),
    // No Redis call here: stale when the last call to Redis went unanswered.
    freshness: deps.availability.freshness('redis', snapshot.completedAtMs, deps.availability.isUp('redis'), grid.nowMs),
  };
}

/** Postgres: see rowExpiry; `overdue` is the expired count of the overview. */
async function postgresExpiry(deps: DashboardDeps, q: ExpiryQuery, grid: Grid): Promise<ExpiryResponse> {
  const clock = rowClock(grid.nowMs, deps.config.stuckAfterSeconds, deps.config.retentionHours);
  const [{ value: histogram, computedAtMs }, { value: counts }] = await Promise.all([
    deps.memo.get(`pg:expiry:${grid.originMs}:${q.bucketSeconds}:${grid.count}`, deps.config.aggregateCacheMs, () =>
      deps.postgres.expiry(clock, deps.config.retentionHours, grid.originMs, q.bucketSeconds, grid.count),
    ),
    sharedRowCounts(deps, grid.nowMs),
  ]);
  return {
    store: 'postgres',
    bucketSeconds: q.bucketSeconds,
    horizonSeconds: q.horizonSeconds,
    overdue: counts.expired.value,
    buckets: histogram.buckets.map((n, i) => ({ t: at(grid, i), count: n })),
    estimated: histogram.estimated || counts.expired.estimated,
    snapshotAgeSeconds: null,
    freshness: deps.availability.freshness('postgres', computedAtMs, true, grid.nowMs),
  };
}

const EXPIRY_SOURCES: Record<StoreName, (deps: DashboardDeps, q: ExpiryQuery, grid: Grid) => Promise<ExpiryResponse>> = {
  redis: redisExpiry,
  postgres: postgresExpiry,
};

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

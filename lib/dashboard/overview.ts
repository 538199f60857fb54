import { ScanTimeoutError } from '../scanner/scanner';
import type { KeyspaceSnapshot } from '../scanner/snapshot';
import { classifyRow } from '../records/classify';
import { DEFAULT_VERDICT_THRESHOLDS, type OverviewResponse, type PostgresOverview, type RedisHealth, type RedisOverview, type StuckRecord } from '../contract/read';
import { deliveryWindow } from './deliveries/windows';
import type { DashboardDeps } from './deps';
import { describeFailure, FreshSnapshotTimeoutError } from '../errors';
import { postgresHealth, redisHealth } from './health';
import { rowClock } from '../stores/postgres/rules';
import { sharedRowCounts } from './row-counts';
import type { MessageRow } from '../stores/postgres/messages';

export interface OverviewQuery {
  /** Wait for a keyspace pass that starts after this request. */
  fresh: boolean;
}

/**
 * The Overview page in one answer. Redis numbers come from the scanner's
 * last complete snapshot (never from a SCAN in this request); Postgres
 * numbers are exact up to a bound and planner estimates beyond it. Each
 * store is read on its own, so one being down leaves the other's numbers.
 */
export async function getOverview(deps: DashboardDeps, query: OverviewQuery): Promise<OverviewResponse> {
  deps.scanner.start();
  const snapshotPromise = query.fresh ? freshSnapshot(deps) : Promise.resolve(deps.scanner.snapshot);
  const nowMs = deps.now();
  const [snapshot, redisH, postgresH, postgres, stuckRows, hour, day] = await Promise.all([
    snapshotPromise,
    redisHealth(deps),
    postgresHealth(deps),
    postgresOverview(deps, nowMs),
    shared(deps, 'pg:oldest-stuck', () =>
      deps.postgres.oldestStuck(rowClock(nowMs, deps.config.stuckAfterSeconds, deps.config.retentionHours), deps.config.topStuck),
    ).catch(() => []),
    shared(deps, 'deliveries:1h', () => deliveryWindow(deps, '1h', nowMs)),
    shared(deps, 'deliveries:24h', () => deliveryWindow(deps, '24h', nowMs)),
  ]);
  const generatedMs = deps.now();
  const redis = redisOverview(deps, snapshot, redisH, generatedMs);
  return {
    generatedAt: new Date(generatedMs).toISOString(),
    redis,
    postgres,
    deliveries: hour,
    deliveryWindows: [hour, day],
    oldestStuck: oldestStuck(deps, snapshot, stuckRows, nowMs),
    expiredAwaitingPurge: { redis: redis.expired, postgres: postgres.expired, postgresEstimated: postgres.estimated.expired },
    health: { redis: redisH, postgres: postgresH },
    rules: {
      stuckAfterSeconds: deps.config.stuckAfterSeconds,
      retentionHours: deps.config.retentionHours,
      verdict: deps.config.verdict ?? DEFAULT_VERDICT_THRESHOLDS,
    },
  };
}

async function shared<T>(deps: DashboardDeps, key: string, compute: () => Promise<T>): Promise<T> {
  return (await deps.memo.get(key, deps.config.aggregateCacheMs, compute)).value;
}

async function freshSnapshot(deps: DashboardDeps): Promise<KeyspaceSnapshot> {
  try {
    return await deps.scanner.fresh(deps.config.freshTimeoutMs);
  } catch (error) {
    if (error instanceof ScanTimeoutError) throw new FreshSnapshotTimeoutError(error.timeoutMs);
    throw error;
  }
}

function redisOverview(deps: DashboardDeps, snapshot: KeyspaceSnapshot | null, health: RedisHealth, nowMs: number): RedisOverview {
  const status = deps.scanner.status();
  const info = {
    status: snapshot ? ('complete' as const) : ('none' as const),
    passInProgress: status.passInProgress,
    passKeysExamined: status.passKeysExamined,
    completedAt: snapshot ? new Date(snapshot.completedAtMs).toISOString() : null,
    passDurationMs: snapshot ? snapshot.completedAtMs - snapshot.startedAtMs : null,
    keysExamined: snapshot?.keysExamined ?? null,
  };
  const error = health.error ?? (snapshot ? null : status.lastError);
  if (!snapshot) {
    return {
      reachable: health.reachable,
      error,
      keys: null,
      processing: null,
      stuck: null,
      completed: null,
      expired: null,
      noExpiry: null,
      unrecognized: null,
      snapshotAgeSeconds: null,
      snapshot: info,
      byFormat: null,
      byPattern: null,
      patterns: deps.config.keyPatterns,
    };
  }
  return {
    reachable: health.reachable,
    error,
    keys: snapshot.keys,
    processing: snapshot.byState.processing,
    stuck: snapshot.byState.stuck,
    completed: snapshot.byState.completed,
    expired: snapshot.byState.expired,
    noExpiry: snapshot.noExpiry,
    unrecognized: snapshot.byState.unrecognized,
    snapshotAgeSeconds: Math.max(0, Math.round((nowMs - snapshot.completedAtMs) / 1000)),
    snapshot: info,
    byFormat: snapshot.byFormat,
    byPattern: snapshot.byPattern,
    patterns: deps.config.keyPatterns,
  };
}

async function postgresOverview(deps: DashboardDeps, nowMs: number): Promise<PostgresOverview> {
  try {
    const { value: c, computedAtMs } = await sharedRowCounts(deps, nowMs);
    return {
      reachable: true,
      error: null,
      rows: c.rows.value,
      processing: c.processing.value,
      stuck: c.stuck.value,
      completed: c.completed.value,
      failed: c.failed.value,
      expired: c.expired.value,
      estimated: {
        rows: c.rows.estimated,
        processing: c.processing.estimated,
        stuck: c.stuck.estimated,
        completed: c.completed.estimated,
        failed: c.failed.estimated,
        expired: c.expired.estimated,
      },
      countedAt: new Date(computedAtMs).toISOString(),
    };
  } catch (error) {
    const none = { rows: false, processing: false, stuck: false, completed: false, failed: false, expired: false };
    return {
      reachable: false,
      error: describeFailure(error),
      rows: null,
      processing: null,
      stuck: null,
      completed: null,
      failed: null,
      expired: null,
      estimated: none,
      countedAt: null,
    };
  }
}

function oldestStuck(deps: DashboardDeps, snapshot: KeyspaceSnapshot | null, rows: MessageRow[], nowMs: number): StuckRecord[] {
  const fromRedis = (snapshot?.oldestStuck ?? []).map((s) => ({
    rank: s.stuckForSeconds,
    record: {
      store: 'redis' as const,
      id: s.key,
      format: s.format,
      ageSeconds: s.ageSeconds,
      stuckForSeconds: Number.isFinite(s.stuckForSeconds) ? s.stuckForSeconds : null,
      owner: s.owner,
      consumer: s.consumer,
      startedAt: s.startedAtMs === null ? null : new Date(s.startedAtMs).toISOString(),
    },
  }));
  const fromPostgres = rows.map((r) => {
    const { ageSeconds } = classifyRow(r, nowMs, deps.config);
    return {
      rank: ageSeconds,
      record: {
        store: 'postgres' as const,
        id: r.messageId,
        format: null,
        ageSeconds,
        stuckForSeconds: ageSeconds,
        owner: r.ownerToken,
        consumer: r.consumer,
        startedAt: r.claimedAt.toISOString(),
      },
    };
  });
  return [...fromRedis, ...fromPostgres]
    .sort((a, b) => (a.rank === b.rank ? 0 : b.rank > a.rank ? 1 : -1))
    .slice(0, deps.config.topStuck)
    .map((e) => e.record);
}

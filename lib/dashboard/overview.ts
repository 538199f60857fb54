import { ScanTimeoutError } from '../scanner/scanner';
import type { KeyspaceSnapshot, StuckKey } from '../scanner/snapshot';
import { createKeyFilter } from '../records/key-filter';
import { readInFlightIndex, withInFlightIndex, type InFlightReading } from './in-flight-index';
import { patternSuggestion } from '../records/explain';
import { keyPatternText } from '../records/key-patterns';
import { DEFAULT_VERDICT_THRESHOLDS, type InFlightIndexInfo, type OverviewResponse, type RedisEstimate, type PostgresOverview, type RedisHealth, type RedisOverview, type Sources, type StuckRecord } from '../contract/read';
import { deliveryWindow } from './deliveries/windows';
import type { DashboardDeps } from './deps';
import { describeFailure, FreshSnapshotTimeoutError, StoreUnavailableError } from '../errors';
import { postgresHealth, redisHealth } from './health';
import { rowClock } from '../stores/postgres/rules';
import { ROW_COUNTS_KEY, sharedRowCounts } from './row-counts';
import type { PostgresCounts } from '../stores/postgres/read-store';
import { classifyMessageRow, type MessageRow } from '../stores/postgres/messages';

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
  deps.scanner.noteViewer();
  const redisProbe = redisHealth(deps);
  const snapshotPromise = query.fresh ? freshOrUnavailable(deps, redisProbe) : Promise.resolve(deps.scanner.snapshot);
  const nowMs = deps.now();
  const [scanned, index, redisH, postgresH, postgres, stuckRows, hour, day] = await Promise.all([
    snapshotPromise,
    // An index that cannot be read leaves the pass's own in-flight figures, which cover the same keys.
    // Shared between requests like the Postgres aggregates (a reading peeks up to IDEMSCOPE_LIST_EXAMINE_LIMIT
    // keys), and carrying its own read time; a request for fresh figures reads it anew for everyone.
    deps.memo[query.fresh ? 'refresh' : 'get']('redis:in-flight-index', deps.config.aggregateCacheMs, () => readInFlightIndex(deps)).then(
      (reading) => reading.value,
      () => null,
    ),
    redisProbe,
    postgresHealth(deps),
    postgresOverview(deps, nowMs),
    shared(deps, 'pg:oldest-stuck', () =>
      deps.postgres.oldestStuck(rowClock(nowMs, deps.config.stuckAfterSeconds, deps.config.retentionHours), deps.config.topStuck),
    ).catch(() => null),
    shared(deps, 'deliveries:1h', () => deliveryWindow(deps, '1h', nowMs)),
    shared(deps, 'deliveries:24h', () => deliveryWindow(deps, '24h', nowMs)),
  ]);
  const generatedMs = deps.now();
  const patternOf = createKeyFilter(deps.config.keyPatterns, deps.config.statsPrefix).patternOf;
  const snapshot = scanned && index ? withInFlightIndex(scanned, index, deps.config.topStuck, patternOf) : scanned;
  const redis = {
    ...redisOverview(deps, snapshot, redisH, generatedMs),
    inFlightIndex: index ? indexInfo(index) : null,
    estimate: snapshot ? null : sampleEstimate(deps),
  };
  const stuckSources: Sources = { used: [], missing: [] };
  (snapshot || index ? stuckSources.used : stuckSources.missing).push('redis');
  (stuckRows ? stuckSources.used : stuckSources.missing).push('postgres');
  return {
    generatedAt: new Date(generatedMs).toISOString(),
    redis,
    postgres,
    deliveries: hour,
    deliveryWindows: [hour, day],
    oldestStuck: oldestStuck(deps, snapshot?.oldestStuck ?? index?.stuck ?? [], stuckRows ?? [], nowMs),
    oldestStuckSources: stuckSources,
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

/** A fresh pass cannot come from a Redis that does not answer: say so at once rather than wait out the timeout. */
async function freshOrUnavailable(deps: DashboardDeps, probe: Promise<RedisHealth>): Promise<KeyspaceSnapshot> {
  const down = probe.then((health) =>
    health.reachable ? new Promise<never>(() => undefined) : Promise.reject(new StoreUnavailableError('redis', health.error ?? 'no answer')),
  );
  return Promise.race([freshSnapshot(deps), down]);
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
    status: !snapshot ? ('none' as const) : snapshot.complete ? ('complete' as const) : ('partial' as const),
    partialReason: snapshot?.partialReason ?? null,
    nodes: status.nodes,
    passInProgress: status.passInProgress,
    passKeysExamined: status.passKeysExamined,
    completedAt: snapshot ? new Date(snapshot.completedAtMs).toISOString() : null,
    passDurationMs: snapshot ? snapshot.completedAtMs - snapshot.startedAtMs : null,
    keysExamined: snapshot?.keysExamined ?? null,
    pacing: status.pacing
      ? {
          budgetPercent: status.pacing.budgetPercent,
          viewerBudgetPercent: status.pacing.viewerBudgetPercent,
          mode: status.mode,
          passAtBudgetMs: status.pacing.passAtBudgetMs,
          passAtViewerBudgetMs: status.pacing.passAtViewerBudgetMs,
          lastPassRedisCpuSeconds: status.lastPassCost ? Math.round(status.lastPassCost.cpuSeconds * 1000) / 1000 : null,
          nextPassAfterMs: status.pacing.nextPassAfterMs,
        }
      : null,
  };
  const error = health.error ?? (snapshot ? null : status.lastError);
  const freshness = deps.availability.freshness('redis', snapshot?.completedAtMs ?? null, health.reachable, nowMs);
  if (!snapshot) {
    return {
      reachable: health.reachable,
      error,
      keys: null,
      processing: null,
      stuck: null,
      completed: null,
      failed: null,
      expired: null,
      noExpiry: null,
      unrecognized: null,
      snapshotAgeSeconds: null,
      snapshot: info,
      byFormat: null,
      byPattern: null,
      patterns: deps.config.keyPatterns.map(keyPatternText),
      freshness,
    };
  }
  return {
    reachable: health.reachable,
    error,
    keys: snapshot.keys,
    processing: snapshot.byState.processing,
    stuck: snapshot.byState.stuck,
    completed: snapshot.byState.completed,
    failed: snapshot.byState.failed,
    expired: snapshot.byState.expired,
    noExpiry: snapshot.noExpiry,
    unrecognized: snapshot.byState.unrecognized,
    snapshotAgeSeconds: Math.max(0, Math.round((nowMs - snapshot.completedAtMs) / 1000)),
    snapshot: info,
    byFormat: snapshot.byFormat,
    byPattern: snapshot.byPattern.map((p, i) => {
      const configured = deps.config.keyPatterns[i];
      return { ...p, suggestion: configured ? patternSuggestion(configured, p.byState.unrecognized) : null };
    }),
    patterns: deps.config.keyPatterns.map(keyPatternText),
    freshness,
  };
}

/**
 * The row counts, shared for a few seconds between requests. When Postgres
 * does not answer, the last counts taken are shown, marked stale as of when
 * they were taken; none at all when there were none.
 */
async function postgresOverview(deps: DashboardDeps, nowMs: number): Promise<PostgresOverview> {
  let counted: { value: PostgresCounts; computedAtMs: number } | null;
  let error: string | null = null;
  try {
    counted = await sharedRowCounts(deps, nowMs);
  } catch (failure) {
    error = describeFailure(failure);
    deps.availability.failed('postgres', deps.now(), error);
    counted = deps.memo.last<PostgresCounts>(ROW_COUNTS_KEY);
  }
  const freshness = deps.availability.freshness('postgres', counted?.computedAtMs ?? null, error === null, deps.now());
  const c = counted?.value ?? null;
  const none = { rows: false, processing: false, stuck: false, completed: false, failed: false, expired: false };
  return {
    reachable: error === null,
    error,
    rows: c?.rows.value ?? null,
    processing: c?.processing.value ?? null,
    stuck: c?.stuck.value ?? null,
    completed: c?.completed.value ?? null,
    failed: c?.failed.value ?? null,
    expired: c?.expired.value ?? null,
    estimated: c
      ? {
          rows: c.rows.estimated,
          processing: c.processing.estimated,
          stuck: c.stuck.estimated,
          completed: c.completed.estimated,
          failed: c.failed.estimated,
          expired: c.expired.estimated,
        }
      : none,
    countedAt: counted ? new Date(counted.computedAtMs).toISOString() : null,
    freshness,
    tables: (c?.tables ?? []).map((t) => ({
      table: t.table,
      profile: t.profile,
      rows: t.rows.value,
      processing: t.processing.value,
      stuck: t.stuck.value,
      completed: t.completed.value,
      failed: t.failed.value,
      expired: t.expired.value,
      estimated: [t.rows, t.processing, t.stuck, t.completed, t.failed, t.expired].some((n) => n.estimated),
      timeIndexed: t.timeIndexed,
    })),
    unfit: c?.unfit ?? [],
  };
}

function sampleEstimate(deps: DashboardDeps): RedisEstimate | null {
  const estimate = deps.scanner.estimate();
  if (!estimate) return null;
  const { asOfMs, ...rest } = estimate;
  return { ...rest, asOf: new Date(asOfMs).toISOString() };
}

function indexInfo(index: InFlightReading): InFlightIndexInfo {
  return { readAt: new Date(index.readAtMs).toISOString(), members: index.members, examined: index.examined, gone: index.gone, complete: index.unexamined === 0 };
}

function oldestStuck(deps: DashboardDeps, stuckKeys: readonly StuckKey[], rows: MessageRow[], nowMs: number): StuckRecord[] {
  const fromRedis = stuckKeys.map((s) => ({
    rank: s.stuckForSeconds,
    record: {
      store: 'redis' as const,
      id: s.key,
      format: s.format,
      ageSeconds: s.ageSeconds,
      stuckForSeconds: Number.isFinite(s.stuckForSeconds) ? s.stuckForSeconds : null,
      stuckReason: s.stuckReason,
      nativeState: s.nativeState,
      owner: s.owner,
      consumer: s.consumer,
      startedAt: s.startedAtMs === null ? null : new Date(s.startedAtMs).toISOString(),
    },
  }));
  const fromPostgres = rows.map((r) => {
    const { ageSeconds } = classifyMessageRow(r, nowMs, deps.config);
    return {
      rank: ageSeconds,
      record: {
        store: 'postgres' as const,
        id: r.messageId,
        format: null,
        ageSeconds,
        stuckForSeconds: ageSeconds,
        stuckReason: null,
        nativeState: null,
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

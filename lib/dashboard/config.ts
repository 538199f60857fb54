import type { Env, WatchedTableConfig } from '../config/env';
import type { VerdictThresholds } from '../contract/read';
import type { ClassifyConfig } from '../records/classify';
import type { KeyPattern } from '../records/key-patterns';

/**
 * The viewer budget when IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT is unset (or the budget, if larger): a
 * walk of 1M keys in about a minute on a quiet Redis; longer beside busy services (docs/decisions.md).
 */
const DEFAULT_VIEWER_BUDGET_PERCENT = 10;

/**
 * Everything the read-side services depend on, passed in explicitly so that
 * tests (and the benchmark) can point them at their own key prefix and
 * thresholds instead of the process environment.
 */
export interface DashboardConfig extends ClassifyConfig {
  /** The Postgres tables watched (IDEMSCOPE_TABLES); default public.processed_messages. */
  tables?: WatchedTableConfig[];
  keyPatterns: KeyPattern[];
  statsPrefix: string;
  /** The library's slot groups on a Redis Cluster (IDEMSCOPE_CLUSTER_SLOT_GROUPS); default 16. */
  clusterSlotGroups?: number;
  retentionHours: number;
  maskFields: string[];
  scanCount: number;
  scanIntervalSeconds: number;
  scanStepPauseMs: number;
  /** Share of one Redis core, in percent, the scanner may use with no viewer (see lib/scanner/pacer.ts); absent: no budget. */
  redisBudgetPercent?: number;
  /** The same while a viewer is active; absent: redisBudgetPercent. */
  redisViewerBudgetPercent?: number;
  /** Pause between passes with no viewer; absent: scanIntervalSeconds. */
  scanKeepAliveSeconds?: number;
  /** Bytes of each value the scanner and the key listing read. */
  headBytes: number;
  /** Bytes of a value the single-key view reads; longer values are shown truncated. */
  detailBytes: number;
  /** Most keys one GET /api/v1/keys request may look at. */
  keysExaminedPerRequest: number;
  /** Most rows one GET /api/v1/messages request may look at. */
  rowsExaminedPerRequest: number;
  /** Tables of at most this many rows are counted exactly, every state; larger ones get labelled estimates. */
  exactTableRowLimit: number;
  /** On larger tables, per-state counts up to this size are exact; beyond it they are planner estimates. */
  exactCountLimit: number;
  /** The same for in-flight (processing, stuck) counts, which are cheap index-only counts. */
  inFlightCountLimit: number;
  /** Longest a `?fresh=1` request waits for a new keyspace pass. */
  freshTimeoutMs: number;
  /** How many of the longest-stuck records the overview lists. */
  topStuck: number;
  /** How long Postgres counts and delivery windows are shared between requests; 0 computes them every time. */
  aggregateCacheMs: number;
  /** Where the overview's verdict turns to attention or failing; the defaults of env.ts when absent. */
  verdict?: VerdictThresholds;
}

export function dashboardConfigFromEnv(e: Env): DashboardConfig {
  return {
    tables: e.IDEMSCOPE_TABLES,
    keyPatterns: e.IDEMSCOPE_KEY_PATTERNS,
    statsPrefix: e.IDEMSCOPE_STATS_PREFIX,
    clusterSlotGroups: e.IDEMSCOPE_CLUSTER_SLOT_GROUPS,
    stuckAfterSeconds: e.IDEMSCOPE_STUCK_AFTER_SECONDS,
    plainLockTtlSeconds: e.IDEMSCOPE_PLAIN_LOCK_TTL_SECONDS,
    nodeIdempotencyTtlSeconds: e.IDEMSCOPE_NODE_IDEMPOTENCY_TTL_SECONDS,
    retentionHours: e.IDEMSCOPE_RETENTION_HOURS,
    maskFields: e.IDEMSCOPE_MASK_FIELDS,
    scanCount: e.IDEMSCOPE_SCAN_COUNT,
    scanIntervalSeconds: e.IDEMSCOPE_SCAN_INTERVAL_SECONDS,
    scanStepPauseMs: e.IDEMSCOPE_SCAN_STEP_PAUSE_MS,
    redisBudgetPercent: e.IDEMSCOPE_REDIS_BUDGET_PERCENT,
    redisViewerBudgetPercent: e.IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT ?? Math.max(DEFAULT_VIEWER_BUDGET_PERCENT, e.IDEMSCOPE_REDIS_BUDGET_PERCENT),
    scanKeepAliveSeconds: e.IDEMSCOPE_SCAN_KEEPALIVE_SECONDS,
    headBytes: 512,
    detailBytes: 64 * 1024,
    keysExaminedPerRequest: e.IDEMSCOPE_LIST_EXAMINE_LIMIT,
    rowsExaminedPerRequest: e.IDEMSCOPE_LIST_EXAMINE_LIMIT,
    exactTableRowLimit: 1_000_000,
    exactCountLimit: 1_000,
    inFlightCountLimit: 10_000,
    freshTimeoutMs: e.IDEMSCOPE_FRESH_TIMEOUT_SECONDS * 1000,
    topStuck: 10,
    aggregateCacheMs: e.IDEMSCOPE_AGGREGATE_CACHE_SECONDS * 1000,
    verdict: {
      stuckAttention: e.IDEMSCOPE_VERDICT_STUCK_ATTENTION,
      stuckFailing: e.IDEMSCOPE_VERDICT_STUCK_FAILING,
      duplicateRateAttention: e.IDEMSCOPE_VERDICT_DUPLICATE_RATE_ATTENTION / 100,
      duplicateRateFailing: e.IDEMSCOPE_VERDICT_DUPLICATE_RATE_FAILING / 100,
    },
  };
}

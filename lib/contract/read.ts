/**
 * The JSON API v1 contract: every response body the read side serves. The UI
 * codes against these types, so fields are only ever added, never renamed.
 *
 * Conventions: timestamps are ISO-8601 strings, durations are seconds, sizes
 * are bytes. A count that is `null` could not be obtained (store unreachable,
 * or no complete snapshot yet); a count whose `estimated` flag is true comes
 * from planner statistics rather than an exact count and must be labelled so.
 */

import type { KeyFormat, RecordFormat, RecordState, StoreName, StuckReason } from './vocabulary';

// ---------------------------------------------------------------- freshness: every figure says how old it is

/**
 * How current a store's figures are. live: read now (or within the shared
 * cache's few seconds, or Redis from a snapshot of a store that answers);
 * stale: the store is not answering since `unavailableSince`, and the figures
 * shown are the last ones read, as of `asOf`; unavailable: not answering and
 * no figures to show.
 */
export interface Freshness {
  state: 'live' | 'stale' | 'unavailable';
  /** When the figures shown were read; null when there are none. */
  asOf: string | null;
  /** Since when the store has not answered; null while it answers. */
  unavailableSince: string | null;
  /** Why it does not answer, in plain words; null while it answers. */
  error: string | null;
}

/** Which stores a merged figure (deliveries, oldest stuck) includes, and which it lacks because they did not answer. */
export interface Sources {
  used: StoreName[];
  missing: StoreName[];
}

// ---------------------------------------------------------------- health: GET /api/v1/health

export interface StoreHealth {
  reachable: boolean;
  /** Round trip of a trivial command; null when unreachable. */
  latencyMs: number | null;
  /** Short reason when unreachable; never contains credentials. */
  error: string | null;
}

export interface RedisHealth extends StoreHealth {
  /** DBSIZE: every key in the database, not only dedup keys. */
  keyspaceSize: number | null;
  /** INFO memory used_memory. */
  usedMemoryBytes: number | null;
  /** INFO memory maxmemory; null when unknown, 0 when unlimited. */
  maxMemoryBytes?: number | null;
  /** INFO memory maxmemory_policy (noeviction, allkeys-lru, …). */
  maxMemoryPolicy?: string | null;
  /** Set when used_memory is near maxmemory: what happens to dedup under the policy. */
  memoryWarning?: string | null;
}

/** A table in IDEMSCOPE_TABLES that the dashboard cannot watch, and why: shown, never an error. */
export interface UnfitTableView {
  /** `schema.table`. */
  name: string;
  /** The configured profile, or null when it was to be detected. */
  profile: string | null;
  problem: string;
  /** The columns each candidate profile needs and the table lacks. */
  missing: Record<string, string[]>;
}

export interface WatchedTableView {
  table: string;
  profile: string;
  /** False when the profile's time column has no index (expired rows are then found by reading the table). */
  timeIndexed: boolean;
}

export interface PostgresHealth extends StoreHealth {
  /** pg_total_relation_size of every watched table, summed: tables + indexes + toast. */
  tableBytes: number | null;
  /** pg_total_relation_size of the library's delivery_stats; null when no watched table has them. */
  statsTableBytes: number | null;
  tables?: WatchedTableView[];
  unfit?: UnfitTableView[];
}

export interface HealthResponse {
  generatedAt: string;
  /** ok: both reachable and no warning; degraded: one is, or a store warns (Redis memory); down: neither. */
  status: 'ok' | 'degraded' | 'down';
  redis: RedisHealth;
  postgres: PostgresHealth;
}

// ---------------------------------------------------------------- overview: GET /api/v1/overview[?fresh=1]

/** One Redis master in a keyspace pass (the single node is `redis`): its progress and health. */
export interface NodeScanInfo {
  /** `host:port`; `redis` on a single node. */
  node: string;
  /** Slots it owned when the pass began; null on a single node. */
  slots: number | null;
  /** taken-over: it failed and the masters that now own its slots were scanned for them instead. */
  state: 'scanning' | 'scanned' | 'taken-over' | 'failed';
  /** Keys SCAN returned on it (for a taken-over node, on the masters that took its slots over). */
  keysExamined: number;
  /** Dedup records counted for its slots. */
  keys: number;
  /** Why it failed or was taken over; null when it answered throughout. */
  error: string | null;
  /** The masters that now own its slots and were scanned for them instead. */
  takenOverBy: string[];
}

export interface SnapshotInfo {
  /**
   * none: no pass has ended yet in this process. partial: the last pass could
   * not count every slot exactly once (a master failed with nobody taking
   * over in time, or slots moved during the pass); its counts are a lower bound.
   */
  status: 'none' | 'complete' | 'partial';
  /** Why the last pass is partial; null otherwise. */
  partialReason?: string | null;
  /** Per master, the running pass's progress, or the last pass's when none runs. */
  nodes?: NodeScanInfo[];
  /** A newer pass is running; the numbers shown are from the previous complete one. */
  passInProgress: boolean;
  /** Keys examined so far by the running pass. */
  passKeysExamined: number;
  completedAt: string | null;
  /** Wall time of the last complete pass. */
  passDurationMs: number | null;
  /** Keys examined by the last complete pass (all patterns). */
  keysExamined: number | null;
  /** How the scanner is paced; absent or null when it runs without a budget. */
  pacing?: ScanPacing | null;
}

/** The scanner's budgets on Redis (IDEMSCOPE_REDIS_BUDGET_PERCENT, IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT) and what a pass costs under them. */
export interface ScanPacing {
  /** Share of one Redis core while nobody looks. */
  budgetPercent: number;
  /** Share of one Redis core while someone has looked at the overview within the last minute. */
  viewerBudgetPercent: number;
  /** full-speed while a request for fresh figures waits; viewer while someone looked within the last minute; budget otherwise. */
  mode: 'full-speed' | 'viewer' | 'budget';
  /** How long a pass takes at this budget: the last pass's Redis CPU over the budget (or its own time, if longer). Null before a pass completed. */
  passAtBudgetMs: number | null;
  /** The same at the viewer budget. */
  passAtViewerBudgetMs: number | null;
  /** Redis CPU seconds measured across the last pass's steps; it includes what the services asked meanwhile, so it is an upper bound. */
  lastPassRedisCpuSeconds: number | null;
  /** Pause before the next pass: the scan interval with a viewer, the keep-alive cadence without. */
  nextPassAfterMs: number;
}

export type StateCounts = Record<RecordState, number>;

export interface PatternCounts {
  /** The entry as configured: `pattern` or `pattern=format`. */
  pattern: string;
  /** The format its keys are read as; `auto` for a bare pattern. */
  format: KeyFormat;
  declared: boolean;
  keys: number;
  byState: StateCounts;
  /** For an `auto` pattern with unrecognized values: what to declare so they can be read. */
  suggestion: string | null;
}

export interface RedisOverview {
  reachable: boolean;
  error: string | null;
  /** Dedup keys matching any configured pattern (stats keys excluded). */
  keys: number | null;
  processing: number | null;
  stuck: number | null;
  completed: number | null;
  /** Failed records kept for a retry (idemscope) or a finished failed BullMQ job in a throttle window. */
  failed: number | null;
  /** Past their format's own expiry (Powertools `expiration`) but still stored. */
  expired: number | null;
  noExpiry: number | null;
  unrecognized: number | null;
  /** Seconds since the snapshot these numbers come from completed. */
  snapshotAgeSeconds: number | null;
  snapshot: SnapshotInfo;
  byFormat: Record<RecordFormat, number> | null;
  byPattern: PatternCounts[] | null;
  /** The configured key patterns (IDEMSCOPE_KEY_PATTERNS entries, `pattern=format`), known before any snapshot exists. Always sent. */
  patterns?: string[];
  /** Whether these figures are current: stale when Redis does not answer and they come from an older snapshot. */
  freshness?: Freshness;
  /**
   * Where the in-flight figures (processing, stuck, the stuck list) of the
   * patterns declared `=idemscope` come from: the library's index, read live
   * with this request, not the keyspace pass. Null when no pattern is
   * declared `=idemscope`, or the index could not be read (then the pass's figures stand).
   */
  inFlightIndex?: InFlightIndexInfo | null;
  /**
   * Until the first pass completes: estimates from the keys the running pass
   * has seen, a random sample of the keyspace (see lib/scanner/estimate.ts),
   * each with the half-width of its 95 % interval. Null once a pass completed
   * (the counts above are then exact as of it) or before anything was sampled,
   * and always on a Redis Cluster (estimate.ts reads a single node's cursor).
   */
  estimate?: RedisEstimate | null;
}

export interface EstimatedCount {
  value: number;
  /** Half-width of the 95 % interval: the count lies in value ± margin with 95 % confidence. */
  margin: number;
}

export interface RedisEstimate {
  /** When the sample was read. */
  asOf: string;
  /** Share of the patterns' keyspace walked so far (0–1). */
  sampledFraction: number;
  keysSampled: number;
  keys: EstimatedCount;
  byState: Record<RecordState, EstimatedCount>;
  /** Patterns not walked yet; their keys are in no estimate. */
  unsampledPatterns: string[];
}

export interface InFlightIndexInfo {
  /** When the index was read. */
  readAt: string;
  /** Members of the index (ZCARD). */
  members: number;
  /** Members whose keys were read, oldest first. */
  examined: number;
  /** Of those, members whose key has gone or is no longer in flight: not counted, not listed. */
  gone: number;
  /** Every member was read; when false, the youngest `members - examined` are counted as processing unread. */
  complete: boolean;
}

export type PostgresCountField = 'rows' | 'processing' | 'stuck' | 'completed' | 'failed' | 'expired';

export interface PostgresOverview {
  reachable: boolean;
  error: string | null;
  rows: number | null;
  processing: number | null;
  stuck: number | null;
  completed: number | null;
  failed: number | null;
  /** Past retention (expires_at or processed_at + retention) and waiting for purge. */
  expired: number | null;
  /** True for each count that is a planner estimate rather than an exact count. */
  estimated: Record<PostgresCountField, boolean>;
  /** When these counts were taken; requests within a few seconds share them (IDEMSCOPE_AGGREGATE_CACHE_SECONDS). */
  countedAt: string | null;
  /** stale: Postgres does not answer and these are the last counts taken (as of countedAt). */
  freshness?: Freshness;
  /** Each watched table's own counts; the fields above are their totals. */
  tables: PostgresTableCounts[];
  /** Configured tables that fit no profile, with the columns they lack. */
  unfit: UnfitTableView[];
}

export interface PostgresTableCounts {
  /** `schema.table`. */
  table: string;
  profile: string;
  rows: number;
  processing: number;
  stuck: number;
  completed: number;
  failed: number;
  expired: number;
  /** True when any of this table's counts is an estimate (labelled in the UI). */
  estimated: boolean;
  timeIndexed: boolean;
}

export type DeliveryWindowName = '1h' | '24h';

export interface DeliveryWindow {
  window: DeliveryWindowName;
  from: string;
  to: string;
  total: number;
  duplicates: number;
  failures: number;
  /** duplicates / total; null when there were no deliveries. */
  duplicateRate: number | null;
  /** Stores whose counters are included; a store that could not be read is missing here. */
  stores: StoreName[];
  /** Stores whose counters could not be read, so the totals lack them. */
  missing?: StoreName[];
}

/** An in-flight record past IDEMSCOPE_STUCK_AFTER_SECONDS or its lease. */
export interface StuckRecord {
  store: StoreName;
  /** Redis key, or processed_messages.message_id. */
  id: string;
  format: RecordFormat | null;
  ageSeconds: number | null;
  /**
   * What the list is ordered by: the age, or for a record of unknown age the
   * time since its lease ran out; null for a record nothing will ever release
   * (a plain claim without TTL, a Powertools record without lease).
   */
  stuckForSeconds: number | null;
  /** Why it is stuck (Redis): older than the threshold, lease expired, no TTL, stalled BullMQ job, stray BullMQ key, …; null for Postgres. */
  stuckReason: StuckReason | null;
  /** The format's own state (BullMQ job state); null when the format has none. */
  nativeState: string | null;
  owner: string | null;
  consumer: string | null;
  startedAt: string | null;
}

export interface OverviewResponse {
  generatedAt: string;
  redis: RedisOverview;
  postgres: PostgresOverview;
  /** The last hour; same as deliveryWindows[0]. */
  deliveries: DeliveryWindow;
  /** 1h and 24h, Redis and Postgres counters merged. */
  deliveryWindows: DeliveryWindow[];
  /** Oldest first, both stores, at most a handful. */
  oldestStuck: StuckRecord[];
  /** Which stores the oldest-stuck list includes (Redis from its snapshot, which may be stale). */
  oldestStuckSources?: Sources;
  /** Records past retention that a purge would remove. */
  expiredAwaitingPurge: { redis: number | null; postgres: number | null; postgresEstimated: boolean };
  health: { redis: RedisHealth; postgres: PostgresHealth };
  /** The thresholds the counts above were classified with, so the page can say what "stuck" means. */
  rules?: OverviewRules;
}

export interface OverviewRules {
  /** IDEMSCOPE_STUCK_AFTER_SECONDS: an in-flight record older than this is stuck. */
  stuckAfterSeconds: number;
  /** IDEMSCOPE_RETENTION_HOURS: processed_messages rows older than this (without their own expiry) are expired. */
  retentionHours: number;
  /** Where the overview's verdict turns to attention or failing (IDEMSCOPE_VERDICT_*). */
  verdict: VerdictThresholds;
}

export interface VerdictThresholds {
  stuckAttention: number;
  stuckFailing: number;
  /** Ratios in [0, 1] of the last hour's duplicate rate. */
  duplicateRateAttention: number;
  duplicateRateFailing: number;
}

/** The defaults of IDEMSCOPE_VERDICT_*, for a configuration built without them (tests, the benchmark). */
export const DEFAULT_VERDICT_THRESHOLDS: VerdictThresholds = {
  stuckAttention: 1,
  stuckFailing: 100,
  duplicateRateAttention: 0.1,
  duplicateRateFailing: 0.3,
};

// ---------------------------------------------------------------- keys: GET /api/v1/keys, GET /api/v1/keys/<key>

export interface KeyItem {
  key: string;
  /** The configured pattern the key was found under. */
  pattern: string | null;
  state: RecordState;
  format: RecordFormat;
  /** Remaining TTL; null when the key has no expiry. */
  ttlSeconds: number | null;
  /** Time since the claim was taken, where the format lets us know it. */
  ageSeconds: number | null;
  owner: string | null;
  consumer: string | null;
  noExpiry: boolean;
  /** Why it is stuck; null unless state is `stuck`. */
  stuckReason: StuckReason | null;
  /** The format's own state (BullMQ: waiting, delayed, prioritized, active, completed, failed, gone); null when it has none. */
  nativeState: string | null;
  /** Whether an operator may release it (claims in flight; BullMQ: stray keys only, never a stalled job). */
  releasable: boolean;
}

export interface KeysPage {
  items: KeyItem[];
  /** Opaque; null when every pattern has been scanned. A page may hold fewer than `limit` items and still have one. */
  nextCursor: string | null;
  /** Keys looked at to build this page (bounded per request by IDEMSCOPE_LIST_EXAMINE_LIMIT). */
  examined: number;
  /**
   * Pages read by SCAN: about how many keys of the database this page's SCAN
   * steps walked (steps × COUNT; MATCH sends back only the matches, so
   * `examined` alone would understate the work). Compare with DBSIZE.
   */
  scanned?: number;
  /**
   * Where the page's keys came from: `in-flight-index` (processing or stuck
   * keys of patterns declared `=idemscope`, read from the library's own
   * index of its claims, no scan) or `scan` (a bounded SCAN of the pattern).
   */
  source: KeysSource;
  /** When the page's keys were read and classified (ISO). */
  readAt: string;
}

export type KeysSource = 'in-flight-index' | 'scan';

export interface KeyDetail extends KeyItem {
  /** Why the key was read as `format`: the pattern's declared format, or under `auto` the signature that matched (or that none did). */
  formatReason: string;
  /** In words, what the state means and what to do (BullMQ stray and stalled keys); null when the state says it all. */
  explanation: string | null;
  /** The job a BullMQ dedup key holds; null for other formats. */
  pointer: string | null;
  /** Redis type of the key (string, hash, …). */
  redisType: string;
  /** Parsed JSON (masked) when the value is JSON, else the raw (possibly truncated) text. */
  value: unknown;
  valueEncoding: 'json' | 'text' | 'none';
  valueTruncated: boolean;
  /** STRLEN of the value, when it is a string. */
  valueBytes: number | null;
  /** Paths of the fields whose values were masked, e.g. `result.card.cvv`. */
  maskedPaths: string[];
  startedAt: string | null;
  completedAt: string | null;
  leaseExpiresAt: string | null;
  /** When the format's own expiry passes (Powertools `expiration`), not the Redis TTL. */
  expiresAt: string | null;
  /** Deliveries seen for this key, where the store records them (Redis formats do not). */
  attempts: number | null;
  duplicates: number | null;
  /** Stored payload fingerprint / Powertools validation hash. */
  fingerprint: string | null;
  /**
   * Compared with the `fingerprint` query parameter when one was given;
   * null when there is nothing to compare (no parameter, or the format records none).
   */
  payloadMismatch: boolean | null;
}

// ---------------------------------------------------------------- messages: GET /api/v1/messages, GET /api/v1/messages/<id>

/** `unknown`: a custom table's status column holds none of its mapped values (the row is `unrecognized`). */
export type MessageStatus = 'processing' | 'completed' | 'failed' | 'unknown';

export interface MessageItem {
  /** The watched table it is a row of, `schema.table`. */
  table: string;
  messageId: string;
  state: RecordState;
  status: MessageStatus;
  consumer: string;
  /** For in-flight rows the time since claimed_at, else since processed_at. */
  ageSeconds: number;
  processedAt: string;
  claimedAt: string;
  lastSeenAt: string;
  leaseExpiresAt: string | null;
  expiresAt: string | null;
  owner: string | null;
  deliveryCount: number;
}

export interface MessagesPage {
  items: MessageItem[];
  /** Opaque keyset cursor; a page may hold fewer than `limit` items and still have one. */
  nextCursor: string | null;
  /** Rows read to build this page (bounded per request by IDEMSCOPE_LIST_EXAMINE_LIMIT). */
  examined: number;
}

export interface MessageDetail extends MessageItem {
  result: unknown;
  maskedPaths: string[];
  attempts: number;
  duplicates: number;
  fingerprint: string | null;
  payloadMismatch: boolean | null;
}

// ---------------------------------------------------------------- stats: GET /api/v1/stats/duplicates

export interface DuplicatePoint {
  /** Bucket start. */
  t: string;
  deliveries: number;
  duplicates: number;
  failures: number;
  duplicateRate: number | null;
  /** Present when the request asked for `groupBy=consumer`. */
  consumer?: string;
  /**
   * True for the bucket still under way: its counts are incomplete and its
   * rate is null (a partial minute is never a rate).
   */
  partial?: boolean;
}

export type DuplicateStatsResponse = DuplicatePoint[];

// ---------------------------------------------------------------- expiry: GET /api/v1/expiry

export interface ExpiryBucket {
  t: string;
  count: number;
}

export interface ExpiryResponse {
  store: StoreName;
  bucketSeconds: number;
  horizonSeconds: number;
  /** Already past expiry/retention but still stored. */
  overdue: number;
  buckets: ExpiryBucket[];
  /** Postgres on a large table: buckets scaled up from a page sample, overdue from planner statistics. */
  estimated: boolean;
  /** Redis numbers come from the scanner snapshot. */
  snapshotAgeSeconds: number | null;
  freshness?: Freshness;
}

// ---------------------------------------------------------------- lookup: GET /api/v1/lookup?q=

export interface LookupResponse {
  q: string;
  redis: { reachable: boolean; error: string | null; matches: KeyDetail[] };
  postgres: { reachable: boolean; error: string | null; match: MessageDetail | null };
}

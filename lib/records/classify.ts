import type { DecodedRecord } from './detect';
import { seconds, ttlOf } from './formats/claim';
import { readerOf } from './formats';
import type { RecordFormat, RecordState, StuckReason } from './states';

/** The thresholds classification depends on; passed in, never read from the environment. */
export interface ClassifyConfig {
  /** An in-flight record this old is stuck. */
  stuckAfterSeconds: number;
  /** The EX a plain-recipe claim was taken with; its age is this minus the remaining TTL. */
  plainLockTtlSeconds: number;
  /** The cacheTTLMS (in seconds) @node-idempotency records were set with; default the library's 24 h. */
  nodeIdempotencyTtlSeconds?: number;
}

export interface RowClassifyConfig {
  stuckAfterSeconds: number;
  /** processed_messages rows older than this are expired. */
  retentionHours: number;
}

export { PTTL_NO_EXPIRY } from './formats/claim';

export interface ClassifiedKey {
  state: RecordState;
  format: RecordFormat;
  ageSeconds: number | null;
  ttlSeconds: number | null;
  noExpiry: boolean;
  /**
   * How overdue an in-flight record is, for ranking the oldest stuck ones:
   * its age, else the time since its lease ran out; Infinity for a record
   * nothing will ever release (a plain claim with no TTL, a stray BullMQ key).
   */
  stuckForSeconds: number | null;
  /** Why it is stuck; null unless state is stuck. */
  stuckReason: StuckReason | null;
}

/** State, age and stuck reason of a decoded record, by the rules of its own format. */
export function classifyKey(record: DecodedRecord, pttlMs: number, nowMs: number, config: ClassifyConfig): ClassifiedKey {
  const reader = readerOf(record.format);
  if (reader) return reader.classify(record, pttlMs, nowMs, config);
  const { ttlSeconds, noExpiry } = ttlOf(pttlMs);
  return { state: 'unrecognized', format: 'unknown', ageSeconds: null, ttlSeconds, noExpiry, stuckForSeconds: null, stuckReason: null };
}

export interface MessageRowFacts {
  status: 'processing' | 'completed' | 'failed';
  processedAt: Date;
  claimedAt: Date;
  leaseExpiresAt: Date | null;
  expiresAt: Date | null;
}

export interface ClassifiedRow {
  state: RecordState;
  ageSeconds: number;
}

/**
 * The same rules as the SQL predicates in lib/stores/postgres/rules.ts;
 * a test holds the two together.
 */
export function classifyRow(row: MessageRowFacts, nowMs: number, config: RowClassifyConfig): ClassifiedRow {
  if (row.status === 'processing') {
    const ageMs = nowMs - row.claimedAt.getTime();
    const leaseExpired = row.leaseExpiresAt !== null && row.leaseExpiresAt.getTime() <= nowMs;
    const stuck = leaseExpired || ageMs >= config.stuckAfterSeconds * 1000;
    return { state: stuck ? 'stuck' : 'processing', ageSeconds: seconds(ageMs) };
  }
  const ageMs = nowMs - row.processedAt.getTime();
  // An explicit expiry wins over the global retention: a service that keeps
  // its results for a week must not lose its dedup protection after 72 h.
  const expired =
    row.expiresAt !== null ? row.expiresAt.getTime() <= nowMs : ageMs >= config.retentionHours * 3_600_000;
  return { state: expired ? 'expired' : row.status, ageSeconds: seconds(ageMs) };
}

/**
 * When a row of a library table range-partitioned by a message time expires:
 * its partition's retention from that time, or its own expires_at if later
 * (GREATEST(partition time + retention, expires_at)). classifyRow() of the
 * row with this as its expiresAt is the twin of partitionedRules() in
 * lib/stores/postgres/rules.ts.
 */
export function partitionedExpiry(row: { partitionTime: Date; expiresAt: Date | null }, retentionHours: number): Date {
  const byPartition = row.partitionTime.getTime() + retentionHours * 3_600_000;
  return new Date(row.expiresAt === null ? byPartition : Math.max(byPartition, row.expiresAt.getTime()));
}

/**
 * A row of the common recipe's table (message_id, processed_at, result): it
 * is written with its result, so it is completed until processed_at plus
 * the retention has passed. Without a processed_at it is nothing we can
 * read. The SQL twin is the recipe section of lib/stores/postgres/rules.ts.
 */
export function classifyRecipeRow(row: { processedAt: Date | null }, nowMs: number, config: RowClassifyConfig): ClassifiedRow {
  if (row.processedAt === null) return { state: 'unrecognized', ageSeconds: 0 };
  const ageMs = nowMs - row.processedAt.getTime();
  return { state: ageMs >= config.retentionHours * 3_600_000 ? 'expired' : 'completed', ageSeconds: seconds(ageMs) };
}

/**
 * A row of the idempotency-keys table from "Implementing Stripe-like
 * Idempotency Keys in Postgres" (brandur.org): in flight while locked_at is
 * set and recovery_point is not 'finished' (stuck once locked_at is at or
 * before the stuck threshold), completed once finished, failed when
 * unlocked but unfinished (the request errored; a retry resumes it), and
 * expired once created_at is past the retention, unless in flight. The SQL
 * twin is stripeKeyRules in lib/stores/postgres/rules.ts.
 */
export function classifyStripeKeyRow(
  row: { createdAt: Date; lockedAt: Date | null; recoveryPoint: string },
  nowMs: number,
  config: RowClassifyConfig,
): ClassifiedRow {
  const finished = row.recoveryPoint === 'finished';
  if (row.lockedAt !== null && !finished) {
    const ageMs = nowMs - row.lockedAt.getTime();
    return { state: ageMs >= config.stuckAfterSeconds * 1000 ? 'stuck' : 'processing', ageSeconds: seconds(ageMs) };
  }
  const ageMs = nowMs - row.createdAt.getTime();
  if (ageMs >= config.retentionHours * 3_600_000) return { state: 'expired', ageSeconds: seconds(ageMs) };
  return { state: finished ? 'completed' : 'failed', ageSeconds: seconds(ageMs) };
}

/** What a `custom` table's status column holds for each state (IDEMSCOPE_CUSTOM_COLUMNS' status_values). */
export interface CustomStatusValues {
  processing: string;
  completed: string;
  failed: string;
}

/**
 * A row of an in-house table mapped column by column (the `custom`
 * profile). Columns it does not map are null here, which reads the same as
 * a NULL in a mapped one: `claimedAt` is the claimed column, or the
 * processed one when none is mapped.
 */
export interface CustomRowFacts {
  /** The status column's value as text; ignored when the table maps no status column. */
  status: string | null;
  processedAt: Date | null;
  claimedAt: Date | null;
  leaseUntil: Date | null;
  expiresAt: Date | null;
}

function customStatus(status: string | null, values: CustomStatusValues | null): 'processing' | 'completed' | 'failed' | null {
  if (values === null) return 'completed';
  if (status === values.processing) return 'processing';
  if (status === values.completed) return 'completed';
  if (status === values.failed) return 'failed';
  return null;
}

/**
 * The `custom` profile's rules. Without a status column every row is
 * completed (like the recipe); with one, a value that is none of the three
 * mapped values is unrecognized, never completed. In flight: stuck once its
 * lease has run out, or, with no lease, once its claim is as old as the
 * stuck threshold (a set lease wins: the service renews it). Finished:
 * expired once its expiry (or, without one, processed time plus the
 * retention) has passed. A row missing the time its state needs is
 * unrecognized. The SQL twin is customRules() in lib/stores/postgres/rules.ts.
 */
export function classifyCustomRow(row: CustomRowFacts, statusValues: CustomStatusValues | null, nowMs: number, config: RowClassifyConfig): ClassifiedRow {
  const status = customStatus(row.status, statusValues);
  if (status === null) return { state: 'unrecognized', ageSeconds: 0 };
  if (status === 'processing') {
    const ageSeconds = row.claimedAt === null ? 0 : seconds(nowMs - row.claimedAt.getTime());
    if (row.leaseUntil !== null) return { state: row.leaseUntil.getTime() <= nowMs ? 'stuck' : 'processing', ageSeconds };
    if (row.claimedAt === null) return { state: 'unrecognized', ageSeconds: 0 };
    return { state: nowMs - row.claimedAt.getTime() >= config.stuckAfterSeconds * 1000 ? 'stuck' : 'processing', ageSeconds };
  }
  const ageSeconds = row.processedAt === null ? 0 : seconds(nowMs - row.processedAt.getTime());
  const expiresMs = row.expiresAt !== null ? row.expiresAt.getTime() : row.processedAt !== null ? row.processedAt.getTime() + config.retentionHours * 3_600_000 : null;
  if (expiresMs === null) return { state: 'unrecognized', ageSeconds: 0 };
  return { state: expiresMs <= nowMs ? 'expired' : status, ageSeconds };
}

import type { DecodedRecord } from './detect';
import type { RecordFormat, RecordState } from './states';

/** The thresholds classification depends on; passed in, never read from the environment. */
export interface ClassifyConfig {
  /** An in-flight record this old is stuck. */
  stuckAfterSeconds: number;
  /** The EX a plain-recipe claim was taken with; its age is this minus the remaining TTL. */
  plainLockTtlSeconds: number;
}

export interface RowClassifyConfig {
  stuckAfterSeconds: number;
  /** processed_messages rows older than this are expired. */
  retentionHours: number;
}

/** Redis PTTL's answer for a key that exists but has no expiry. */
export const PTTL_NO_EXPIRY = -1;

export interface ClassifiedKey {
  state: RecordState;
  format: RecordFormat;
  ageSeconds: number | null;
  ttlSeconds: number | null;
  noExpiry: boolean;
  /**
   * How overdue an in-flight record is, for ranking the oldest stuck ones:
   * its age, else the time since its lease ran out; Infinity for a plain
   * claim with no TTL, which nothing will ever release.
   */
  stuckForSeconds: number | null;
}

export function classifyKey(record: DecodedRecord, pttlMs: number, nowMs: number, config: ClassifyConfig): ClassifiedKey {
  const noExpiry = pttlMs === PTTL_NO_EXPIRY;
  const ttlSeconds = noExpiry || pttlMs < 0 ? null : Math.ceil(pttlMs / 1000);
  const format = record.format;
  // One object per key, built once: the scanner classifies millions of keys a pass.
  const result = (state: RecordState, ageSeconds: number | null, stuckForSeconds: number | null): ClassifiedKey => ({
    format,
    ttlSeconds,
    noExpiry,
    ageSeconds,
    stuckForSeconds,
    state,
  });

  if (record.kind === 'unrecognized') return result('unrecognized', null, null);

  // A failed record has no lease to run out: it waits, until its TTL, for the retry that takes it over.
  if (record.kind === 'failed') {
    const ageMs = record.failedAtMs ?? record.startedAtMs;
    return result('failed', ageMs === null ? null : seconds(nowMs - ageMs), null);
  }

  if (record.kind === 'completed') {
    const expired = record.expiresAtMs !== null && record.expiresAtMs <= nowMs;
    const ageMs = record.completedAtMs ?? record.startedAtMs;
    return result(expired ? 'expired' : 'completed', ageMs === null ? null : seconds(nowMs - ageMs), null);
  }

  const stuckAfterMs = config.stuckAfterSeconds * 1000;
  let ageMs: number | null = null;
  if (record.format === 'plain') {
    ageMs = noExpiry || pttlMs < 0 ? null : Math.max(0, config.plainLockTtlSeconds * 1000 - pttlMs);
  } else if (record.startedAtMs !== null) {
    ageMs = Math.max(0, nowMs - record.startedAtMs);
  }
  const leaseExpired = record.leaseExpiresAtMs !== null && record.leaseExpiresAtMs <= nowMs;
  // Powertools treats an INPROGRESS record without in_progress_expiration as
  // orphaned and takes it over, and a plain claim with no TTL is never released:
  // both are stuck whatever their age.
  const orphaned =
    (record.format === 'powertools' && record.leaseExpiresAtMs === null) || (record.format === 'plain' && ageMs === null);
  const stuck = orphaned || leaseExpired || (ageMs !== null && ageMs >= stuckAfterMs);

  let stuckForSeconds: number | null = null;
  if (stuck) {
    if (ageMs !== null) stuckForSeconds = seconds(ageMs);
    else if (record.leaseExpiresAtMs !== null) stuckForSeconds = seconds(nowMs - record.leaseExpiresAtMs);
    else stuckForSeconds = Number.POSITIVE_INFINITY;
  }
  return result(stuck ? 'stuck' : 'processing', ageMs === null ? null : seconds(ageMs), stuckForSeconds);
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

function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
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

/**
 * The vocabulary every view shares. It lives here, below the dashboard, so
 * that the pure classifiers and the API contract cannot disagree on spelling.
 */

export const STORES = ['redis', 'postgres'] as const;
export type StoreName = (typeof STORES)[number];

/** The formats a record can be read as; `unknown` when none applies. */
export const RECORD_FORMATS = ['plain', 'idemscope', 'powertools', 'node-idempotency', 'bullmq', 'unknown'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/**
 * What a key pattern may declare (`IDEMSCOPE_KEY_PATTERNS` entry `pattern=format`).
 * `auto` reads each value by the first format whose own signature it carries.
 */
export const KEY_FORMATS = ['auto', 'plain', 'idemscope', 'powertools', 'bullmq', 'node-idempotency'] as const;
export type KeyFormat = (typeof KEY_FORMATS)[number];

/**
 * Why an in-flight record is stuck: older than the threshold, its lease ran
 * out, nothing will ever release it (no TTL, no lease), a BullMQ job whose
 * worker lost its lock, or a BullMQ dedup key left behind by a finished or
 * vanished job.
 */
export const STUCK_REASONS = ['older-than-threshold', 'lease-expired', 'no-ttl', 'no-lease', 'stalled', 'stray-finished', 'stray-gone'] as const;
export type StuckReason = (typeof STUCK_REASONS)[number];

/**
 * Exactly one per record. `failed` is a claim whose handler threw, kept for
 * the retry to take over: a Postgres row, or an idemscope Redis value until
 * the claim's TTL runs out.
 */
export const RECORD_STATES = ['processing', 'stuck', 'completed', 'failed', 'expired', 'unrecognized'] as const;
export type RecordState = (typeof RECORD_STATES)[number];

export function emptyStateCounts(): Record<RecordState, number> {
  return { processing: 0, stuck: 0, completed: 0, failed: 0, expired: 0, unrecognized: 0 };
}

export function emptyFormatCounts(): Record<RecordFormat, number> {
  return { plain: 0, idemscope: 0, powertools: 0, 'node-idempotency': 0, bullmq: 0, unknown: 0 };
}

/**
 * Which time of a record a listing's from/to window is on: `recorded` (when a
 * Redis key was claimed, from its age; a row's processed_at, or created_at in
 * a stripe-keys table) or `expires` (when it reaches its TTL or retention).
 */
export const TIME_AXES = ['recorded', 'expires'] as const;
export type TimeAxis = (typeof TIME_AXES)[number];

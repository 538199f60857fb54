/**
 * The vocabulary every view shares. It lives here, below the dashboard, so
 * that the pure classifiers and the API contract cannot disagree on spelling.
 */

export const STORES = ['redis', 'postgres'] as const;
export type StoreName = (typeof STORES)[number];

export const RECORD_FORMATS = ['plain', 'idemscope', 'powertools', 'unknown'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

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
  return { plain: 0, idemscope: 0, powertools: 0, unknown: 0 };
}

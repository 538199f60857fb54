import type { RecordState } from '../../records/states';
import { raw, sql, type Sql } from './sql';

/**
 * The states of processed_messages rows as SQL, with the same boundaries as
 * classifyRow() in lib/records/classify.ts (a test runs both over the same rows).
 */
export interface RowClock {
  now: Date;
  /** claimed_at at or before this is stuck. */
  stuckCut: Date;
  /** processed_at at or before this is past retention. */
  retentionCut: Date;
}

export function rowClock(nowMs: number, stuckAfterSeconds: number, retentionHours: number): RowClock {
  return {
    now: new Date(nowMs),
    stuckCut: new Date(nowMs - stuckAfterSeconds * 1000),
    retentionCut: new Date(nowMs - retentionHours * 3_600_000),
  };
}

const IN_FLIGHT = raw(`status = 'processing'`);

/**
 * Past COALESCE(expires_at, processed_at + retention), the rule the purge
 * deletes by (the idemscope_purge_window migration), written as two index ranges.
 */
export function expiredPredicate(c: RowClock): Sql {
  return sql`(status <> 'processing' AND (expires_at <= ${c.now} OR (expires_at IS NULL AND processed_at <= ${c.retentionCut})))`;
}

function live(status: 'completed' | 'failed', c: RowClock): Sql {
  return sql`(status = ${raw(`'${status}'`)} AND (expires_at > ${c.now} OR (expires_at IS NULL AND processed_at > ${c.retentionCut})))`;
}

export function processingPredicate(c: RowClock): Sql {
  return sql`(${IN_FLIGHT} AND claimed_at > ${c.stuckCut} AND (lease_expires_at IS NULL OR lease_expires_at > ${c.now}))`;
}

export function stuckPredicate(c: RowClock): Sql {
  return sql`(${IN_FLIGHT} AND (claimed_at <= ${c.stuckCut} OR lease_expires_at <= ${c.now}))`;
}

/** The predicate for a state; null for states no row can be in. */
export function statePredicate(state: RecordState, c: RowClock): Sql | null {
  switch (state) {
    case 'processing':
      return processingPredicate(c);
    case 'stuck':
      return stuckPredicate(c);
    case 'completed':
    case 'failed':
      return live(state, c);
    case 'expired':
      return expiredPredicate(c);
    case 'unrecognized':
      return null;
  }
}

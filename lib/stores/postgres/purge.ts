import type { PrismaClient } from '../../db/generated/client';
import { countUpTo, planRows } from './counts';
import type { Db } from './db';
import type { TableRef } from './tables';
import { ownName } from './own';
import { libraryRules, rowClock, type LibraryRules } from './rules';

/** What a purge job deletes from: a watched table, and its profile's expiry rule on the database clock. */
export interface PurgeTarget {
  /** `schema.table`, as purge_jobs.target_table records it. */
  table: string;
  /** SQL condition on the table's unqualified columns (rules.ts); the purge re-checks each row with it. */
  condition: string;
  /** A range-partitioned table: its batches walk the partitions the job lists (purge_jobs.partitions), one at a time. */
  partitioned?: boolean;
}

/**
 * How a purge deletes: batch after batch, each one call of the purge_window
 * function in Idemscope's own schema (see its migration). A batch walks the
 * table in physical order from the job's position, so the whole purge reads
 * the table once, like one big DELETE would, but in short transactions of at
 * most `maxRows` deletions and MAX_PAGES_PER_BATCH pages.
 */

/** Pages one batch reads at most (16 MiB), so a stretch with nothing expired is still a short statement. */
export const MAX_PAGES_PER_BATCH = 2048;

/**
 * How long a batch waits for a row a consumer holds before it starts over
 * and skips locked rows. Consumers hold rows only for one short statement,
 * so this is rarely reached; when a consumer's transaction also waits on the
 * purge, it breaks the cycle long before the deadlock detector would.
 */
export const LOCK_WAIT_MS = 20;

/** Rows counted exactly before the count falls back to a planner estimate. */
export const EXACT_COUNT_CAP = 100_000;

export interface BatchOutcome {
  purged: number;
  /** True when a consumer held a row and the batch skipped the locked rows instead of waiting. */
  skippedLocked: boolean;
  /** True once the batch reached the end of the table. */
  done: boolean;
  /** False when the job row is no longer this runner's (resumed elsewhere, or cancelled as interrupted). */
  owned: boolean;
  cancelRequested: boolean;
}

/**
 * Deletes the next batch of expired rows and counts them on the job's row in
 * the same transaction, so the job's progress is exactly what has committed.
 */
export async function purgeBatch(db: PrismaClient, job: { id: string; runner: string }, maxRows: number, target: PurgeTarget): Promise<BatchOutcome> {
  const [row] = await db.$queryRawUnsafe<{ purged: number; skipped_locked: boolean; done: boolean; owned: boolean; cancel_requested: boolean | null }[]>(
    `SELECT * FROM ${ownName('purge_window')}($1::uuid, $2, $3::regclass, $4, $5::int, $6::int, $7::int)`,
    job.id,
    job.runner,
    target.table,
    target.condition,
    maxRows,
    MAX_PAGES_PER_BATCH,
    LOCK_WAIT_MS,
  );
  return {
    purged: row!.purged,
    skippedLocked: row!.skipped_locked,
    done: row!.done,
    owned: row!.owned,
    cancelRequested: row!.cancel_requested === true,
  };
}

/**
 * The dry-run count splits the expiry rule in two (see rules.ts), so that
 * each part is a range of one index and never a scan of the table.
 */
export interface PurgeCount {
  count: number;
  /** True when at least one part had more than EXACT_COUNT_CAP rows and its number is the planner's. */
  estimated: boolean;
}

/** How many rows a purge would delete: exact up to EXACT_COUNT_CAP per part, else the planner's estimate. */
export async function countPurgeable(db: Db, t: TableRef, retentionHours: number, now: number, rules: LibraryRules = libraryRules): Promise<PurgeCount> {
  const clock = rowClock(now, 0, retentionHours);
  let count = 0;
  let estimated = false;
  for (const part of rules.expiredParts(clock)) {
    const exact = await countUpTo(db, t, part, EXACT_COUNT_CAP);
    if (exact <= EXACT_COUNT_CAP) count += exact;
    else {
      estimated = true;
      count += Math.max(exact, await planRows(db, t, part));
    }
  }
  return { count, estimated };
}

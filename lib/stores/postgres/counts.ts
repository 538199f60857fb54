import { num, query, type Db } from './db';
import { expiredPredicate, statePredicate, stuckByAge, stuckByLease, type RowClock } from './rules';
import { sql, type Sql } from './sql';

export interface Count {
  value: number;
  /** From planner statistics: the exact count would have read too many rows. */
  estimated: boolean;
}

export interface RowCounts {
  rows: Count;
  processing: Count;
  stuck: Count;
  completed: Count;
  failed: Count;
  expired: Count;
}

/** Counts up to `cap` matching rows; a LIMITed scan stops early on large sets. */
export async function countUpTo(db: Db, where: Sql, cap: number): Promise<number> {
  const [row] = await query<{ n: bigint }>(db, sql`SELECT count(*) AS n FROM (SELECT 1 FROM processed_messages WHERE ${where} LIMIT ${cap + 1}) s`);
  return num(row?.n);
}

export async function planRows(db: Db, where: Sql): Promise<number> {
  const [row] = await query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    db,
    sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM processed_messages WHERE ${where}`,
  );
  return Math.round(row?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
}

/**
 * Exact while at most `cap` rows match, a planner estimate beyond that. The
 * LIMITed count comes first because the planner's guess is only as good as
 * its last ANALYZE: on a table that grew since, it saw 1,704 "expired" rows
 * where there were none. Reading at most `cap + 1` rows keeps the work bounded
 * however large the table is.
 */
export async function boundedCount(db: Db, where: Sql, cap: number): Promise<Count> {
  const n = await countUpTo(db, where, cap);
  if (n <= cap) return { value: n, estimated: false };
  return { value: Math.max(cap + 1, await planRows(db, where)), estimated: true };
}

/**
 * In-flight counts are the ones an operator acts on, so they are always
 * counted (the planner cannot know how many claims are old: it assumes
 * status and claim age independent). Stuck = old claims + young claims
 * whose lease ran out, two disjoint ranges of the (status, claimed_at) index.
 */
async function inFlightCounts(db: Db, c: RowClock, cap: number): Promise<{ processing: Count; stuck: Count }> {
  const [processing, old, leaseLost] = await Promise.all([
    countUpTo(db, statePredicate('processing', c)!, cap),
    countUpTo(db, stuckByAge(c), cap),
    countUpTo(db, stuckByLease(c), cap),
  ]);
  const stuck = old + leaseLost;
  return {
    processing: processing <= cap ? { value: processing, estimated: false } : { value: Math.max(cap + 1, await planRows(db, statePredicate('processing', c)!)), estimated: true },
    stuck: old <= cap && leaseLost <= cap ? { value: stuck, estimated: false } : { value: Math.max(stuck, await planRows(db, statePredicate('stuck', c)!)), estimated: true },
  };
}

/** Row total from pg_class.reltuples (kept by autovacuum/ANALYZE), counted exactly when the table is small. */
async function rowTotal(db: Db, cap: number): Promise<Count> {
  const [row] = await query<{ n: number }>(db, sql`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'processed_messages'::regclass`);
  const reltuples = num(row?.n);
  if (reltuples > cap) return { value: Math.round(reltuples), estimated: true };
  const n = await countUpTo(db, sql`TRUE`, cap);
  return n <= cap ? { value: n, estimated: false } : { value: Math.max(cap + 1, Math.round(reltuples)), estimated: true };
}

export interface CountLimits {
  /** Largest count read from the heap (LIMITed scans). */
  exact: number;
  /** Largest in-flight count; these walk the (status, claimed_at) index only, so may go higher. */
  inFlight: number;
}

export async function rowCounts(db: Db, clock: RowClock, limits: CountLimits): Promise<RowCounts> {
  const cap = limits.exact;
  const [rows, inFlight, completed, failed, expired] = await Promise.all([
    rowTotal(db, cap),
    inFlightCounts(db, clock, limits.inFlight),
    boundedCount(db, statePredicate('completed', clock)!, cap),
    boundedCount(db, statePredicate('failed', clock)!, cap),
    boundedCount(db, expiredPredicate(clock), cap),
  ]);
  return { rows, ...inFlight, completed, failed, expired };
}

import { num, query, type Db } from './db';
import { expiredPredicate, processingPredicate, statePredicate, stuckPredicate, type RowClock } from './message-predicates';
import { raw, sql, type Sql } from './sql';

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

/**
 * Counts rows exactly while there are at most `cap` of them (a LIMITed scan
 * stops early), and asks the planner beyond that: an exact count(*) over
 * millions of rows is the full scan the dashboard must not do on every refresh.
 */
export async function boundedCount(db: Db, where: Sql, cap: number): Promise<Count> {
  const [row] = await query<{ n: bigint }>(db, sql`SELECT count(*) AS n FROM (SELECT 1 FROM processed_messages WHERE ${where} LIMIT ${cap + 1}) s`);
  const n = num(row?.n);
  if (n <= cap) return { value: n, estimated: false };
  return { value: Math.max(cap + 1, await planRows(db, where)), estimated: true };
}

async function planRows(db: Db, where: Sql): Promise<number> {
  const [row] = await query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    db,
    sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM processed_messages WHERE ${where}`,
  );
  return Math.round(row?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
}

/** Row total: exact when small, else pg_class.reltuples (kept current by autovacuum/ANALYZE). */
async function rowTotal(db: Db, cap: number): Promise<Count> {
  const counted = await boundedCount(db, raw('TRUE'), cap);
  if (!counted.estimated) return counted;
  const [row] = await query<{ n: number }>(db, sql`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'processed_messages'::regclass`);
  const reltuples = num(row?.n);
  return reltuples > cap ? { value: Math.round(reltuples), estimated: true } : counted;
}

export async function rowCounts(db: Db, clock: RowClock, cap: number): Promise<RowCounts> {
  const [rows, processing, stuck, completed, failed, expired] = await Promise.all([
    rowTotal(db, cap),
    boundedCount(db, processingPredicate(clock), cap),
    boundedCount(db, stuckPredicate(clock), cap),
    boundedCount(db, statePredicate('completed', clock)!, cap),
    boundedCount(db, statePredicate('failed', clock)!, cap),
    boundedCount(db, expiredPredicate(clock), cap),
  ]);
  return { rows, processing, stuck, completed, failed, expired };
}

import { RECORD_STATES, type RecordState } from '../../records/states';
import { num, query, type Db } from './db';
import { libraryRules, statePredicate, stuckByAge, stuckByLease, type LibraryRules, type RowClock } from './rules';
import { join, raw, sql, type Sql } from './sql';
import type { TableRef } from './tables';

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
export async function countUpTo(db: Db, t: TableRef, where: Sql, cap: number): Promise<number> {
  const [row] = await query<{ n: bigint }>(db, sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${t.sql} WHERE ${where} LIMIT ${cap + 1}) s`);
  return num(row?.n);
}

export async function planRows(db: Db, t: TableRef, where: Sql): Promise<number> {
  const [row] = await query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    db,
    sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${t.sql} WHERE ${where}`,
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
export async function boundedCount(db: Db, t: TableRef, where: Sql, cap: number): Promise<Count> {
  const n = await countUpTo(db, t, where, cap);
  if (n <= cap) return { value: n, estimated: false };
  return { value: Math.max(cap + 1, await planRows(db, t, where)), estimated: true };
}

/**
 * In-flight counts are the ones an operator acts on, so they are always
 * counted (the planner cannot know how many claims are old: it assumes
 * status and claim age independent). Stuck = old claims + young claims
 * whose lease ran out, two disjoint ranges of the (status, claimed_at) index.
 */
async function inFlightCounts(db: Db, t: TableRef, c: RowClock, cap: number): Promise<{ processing: Count; stuck: Count }> {
  const [processing, old, leaseLost] = await Promise.all([
    countUpTo(db, t, statePredicate('processing', c)!, cap),
    countUpTo(db, t, stuckByAge(c), cap),
    countUpTo(db, t, stuckByLease(c), cap),
  ]);
  const stuck = old + leaseLost;
  return {
    processing: processing <= cap ? { value: processing, estimated: false } : { value: Math.max(cap + 1, await planRows(db, t, statePredicate('processing', c)!)), estimated: true },
    stuck: old <= cap && leaseLost <= cap ? { value: stuck, estimated: false } : { value: Math.max(stuck, await planRows(db, t, statePredicate('stuck', c)!)), estimated: true },
  };
}

/** Tables up to this many rows are counted exactly, every state in one scan. */
export const EXACT_TABLE_ROWS = 1_000_000;

/**
 * The table's row count without reading it, good straight after a bulk load
 * or delete that no ANALYZE has seen: the statistics collector's live-tuple
 * count (kept up to date by every insert and delete as they commit), else
 * the last ANALYZE's rows per page times the pages the table has now, else
 * (never analyzed, statistics reset) a count of a page sample scaled up.
 */
export async function estimateRows(db: Db, t: TableRef): Promise<number> {
  const [row] = await query<{ live: number | null; reltuples: number; relpages: number; pages: number }>(
    db,
    sql`SELECT s.n_live_tup::float8 AS live, c.reltuples::float8 AS reltuples, c.relpages::float8 AS relpages,
          pg_relation_size(c.oid)::float8 / current_setting('block_size')::float8 AS pages
        FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.oid = ${t.name}::regclass`,
  );
  if (!row) return 0;
  const live = num(row.live);
  if (live > 0) return Math.round(live);
  const pages = num(row.pages);
  if (pages === 0) return 0;
  if (num(row.reltuples) > 0 && num(row.relpages) > 0) return Math.round((num(row.reltuples) / num(row.relpages)) * pages);
  const percent = Math.min(100, (100 * 64) / pages);
  const [sampled] = await query<{ n: bigint }>(db, sql`SELECT count(*) AS n FROM ${t.sql} TABLESAMPLE SYSTEM (${percent}::float8) REPEATABLE (7)`);
  return Math.round((num(sampled?.n) * 100) / percent);
}

/**
 * Exact counts of a table of at most `cap` rows, each state's predicate a
 * FILTER of one scan; null when the table holds more (the scan stops
 * reading at cap + 1 rows).
 */
export async function countAllUpTo(db: Db, t: TableRef, predicates: Record<string, Sql>, cap: number): Promise<Record<string, number> & { rows: number } | null> {
  const names = Object.keys(predicates);
  const filters = names.map((name, i) => sql`, count(*) FILTER (WHERE ${predicates[name]!}) AS ${raw(`s${i}`)}`);
  const [row] = await query<Record<string, bigint>>(
    db,
    sql`SELECT count(*) AS rows${join(filters, '')} FROM (SELECT * FROM ${t.sql} LIMIT ${cap + 1}) r`,
  );
  const rows = num(row?.rows);
  if (rows > cap) return null;
  return Object.assign({ rows }, Object.fromEntries(names.map((name, i) => [name, num(row?.[`s${i}`])])));
}

export interface CountLimits {
  /** Tables of at most this many rows are counted exactly, all states in one scan; default EXACT_TABLE_ROWS. */
  table?: number;
  /** Largest count read from the heap (LIMITed scans). */
  exact: number;
  /** Largest in-flight count; these walk the (status, claimed_at) index only, so may go higher. */
  inFlight: number;
}

/**
 * A library table's counts by state. Up to EXACT_TABLE_ROWS rows every
 * count is exact (one scan); above that the total is estimateRows()'s,
 * in-flight counts stay exact through their index, and the others are exact
 * up to `limits.exact` and planner estimates beyond, each labelled.
 */
export async function rowCounts(
  db: Db,
  t: TableRef,
  clock: RowClock,
  limits: CountLimits,
  rules: LibraryRules = libraryRules,
  estimateOf: (db: Db, t: TableRef) => Promise<number> = estimateRows,
): Promise<RowCounts> {
  const tableCap = limits.table ?? EXACT_TABLE_ROWS;
  const estimate = await estimateOf(db, t);
  if (estimate <= tableCap * 1.1) {
    const exact = await countAllUpTo(
      db,
      t,
      {
        processing: rules.statePredicate('processing', clock)!,
        stuck: rules.statePredicate('stuck', clock)!,
        completed: rules.statePredicate('completed', clock)!,
        failed: rules.statePredicate('failed', clock)!,
        expired: rules.statePredicate('expired', clock)!,
      },
      tableCap,
    );
    if (exact) {
      const c = (value: number): Count => ({ value, estimated: false });
      return { rows: c(exact.rows), processing: c(exact.processing!), stuck: c(exact.stuck!), completed: c(exact.completed!), failed: c(exact.failed!), expired: c(exact.expired!) };
    }
  }
  const cap = limits.exact;
  const [rows, inFlight, completed, failed, expired] = await Promise.all([
    Promise.resolve({ value: Math.max(tableCap + 1, estimate), estimated: true }),
    inFlightCounts(db, t, clock, limits.inFlight),
    boundedCount(db, t, rules.statePredicate('completed', clock)!, cap),
    boundedCount(db, t, rules.statePredicate('failed', clock)!, cap),
    boundedCount(db, t, rules.expiredPredicate(clock), cap),
  ]);
  return { rows, ...inFlight, completed, failed, expired };
}

const COUNTED_STATES = RECORD_STATES.filter((s) => s !== 'unrecognized');

/**
 * Counts by state of a table whose profile has a predicate for each state
 * but no index to count them by (stripe-keys, custom): up to the table cap,
 * exact in one scan; above it, each state's share of a page sample scaled
 * to the estimated total, all labelled.
 */
export async function stateCounts(db: Db, t: TableRef, predicate: (state: Exclude<RecordState, 'unrecognized'>) => Sql, limits: CountLimits): Promise<RowCounts> {
  const cap = limits.table ?? EXACT_TABLE_ROWS;
  const predicates = Object.fromEntries(COUNTED_STATES.map((s) => [s, predicate(s)])) as Record<string, Sql>;
  const estimate = await estimateRows(db, t);
  if (estimate <= cap * 1.1) {
    const c = await countAllUpTo(db, t, predicates, cap);
    if (c) {
      const exact = (value: number): Count => ({ value, estimated: false });
      return { rows: exact(c.rows), processing: exact(c.processing!), stuck: exact(c.stuck!), completed: exact(c.completed!), failed: exact(c.failed!), expired: exact(c.expired!) };
    }
  }
  const rows = Math.max(cap + 1, estimate);
  const percent = Math.min(100, (100 * 50_000) / rows);
  const filters = COUNTED_STATES.map((s) => sql`, count(*) FILTER (WHERE ${predicates[s]!}) AS ${raw(`"${s}"`)}`);
  const [row] = await query<Record<string, bigint>>(
    db,
    sql`SELECT count(*) AS n${join(filters, '')} FROM ${t.sql} TABLESAMPLE SYSTEM (${percent}::float8) REPEATABLE (7)`,
  );
  const n = num(row?.n) || 1;
  const share = (s: string): Count => ({ value: Math.round((rows * num(row?.[s])) / n), estimated: true });
  return { rows: { value: rows, estimated: true }, processing: share('processing'), stuck: share('stuck'), completed: share('completed'), failed: share('failed'), expired: share('expired') };
}

import type { ReleasePreview, Skipped } from '../../contract/actions';
import { namedPreview } from './named-preview';
import { classifyRecipeRow } from '../../records/classify';
import type { RecordState } from '../../records/states';
import { countAllUpTo, estimateRows, EXACT_TABLE_ROWS, type Count, type CountLimits, type RowCounts } from './counts';
import { num, query, type Db } from './db';
import { windowPage, windowPredicate, type MessageRow, type MessageRowWithResult, type RowPage, type ListRowsQuery, type TimeColumns } from './messages';
import { recipeRules, type RowClock } from './rules';
import { uuidSearch } from './search';
import { raw, sql, type Sql } from './sql';
import type { WatchedTable } from './tables';

/**
 * The common recipe's table, (message_id uuid, processed_at, result), read
 * as it is: every row completed until its retention has passed. Nothing
 * here writes to it but a release (which deletes the named rows, still as
 * previewed) and the purge.
 */

interface RawRow {
  message_id: string;
  processed_at: Date;
  result?: unknown;
}

function toRow(t: WatchedTable, r: RawRow): MessageRow {
  return {
    table: t.name,
    messageId: r.message_id,
    status: 'completed',
    consumer: '',
    processedAt: r.processed_at,
    claimedAt: r.processed_at,
    lastSeenAt: r.processed_at,
    leaseExpiresAt: null,
    expiresAt: null,
    ownerToken: null,
    deliveryCount: 1,
    fingerprint: null,
  };
}

const exact = (value: number): Count => ({ value, estimated: false });

/**
 * Up to EXACT_TABLE_ROWS rows: one scan counts everything exactly. Above:
 * the total is estimateRows()'s; expired rows are a range of the
 * processed_at index when there is one (exact up to EXACT_TABLE_ROWS),
 * otherwise the expired share of a page sample; all labelled.
 */
export async function recipeCounts(db: Db, t: WatchedTable, clock: RowClock, limits: CountLimits = { exact: EXACT_TABLE_ROWS, inFlight: 0 }): Promise<RowCounts> {
  const cap = limits.table ?? EXACT_TABLE_ROWS;
  const estimate = await estimateRows(db, t);
  const none = exact(0);
  if (estimate <= cap * 1.1) {
    const counted = await countAllUpTo(
      db,
      t,
      { completed: recipeRules.live(clock), expired: recipeRules.expired(clock) },
      cap,
    );
    if (counted) {
      return { rows: exact(counted.rows), processing: none, stuck: none, failed: none, completed: exact(counted.completed!), expired: exact(counted.expired!) };
    }
  }
  const rows = Math.max(cap + 1, estimate);
  let expired: Count | null = null;
  if (t.timeIndexed) {
    const [row] = await query<{ n: bigint }>(
      db,
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${t.sql} WHERE ${recipeRules.expired(clock)} LIMIT ${cap + 1}) s`,
    );
    const n = num(row?.n);
    if (n <= cap) expired = exact(n);
  }
  if (!expired) {
    const percent = Math.min(100, (100 * 50_000) / rows);
    const [row] = await query<{ n: bigint; e: bigint }>(
      db,
      sql`SELECT count(*) AS n, count(*) FILTER (WHERE ${recipeRules.expired(clock)}) AS e FROM ${t.sql} TABLESAMPLE SYSTEM (${percent}::float8) REPEATABLE (7)`,
    );
    expired = { value: num(row?.n) ? Math.round((rows * num(row?.e)) / num(row?.n)) : 0, estimated: true };
  }
  return {
    rows: { value: rows, estimated: true },
    processing: none,
    stuck: none,
    failed: none,
    completed: { value: Math.max(0, rows - expired.value), estimated: true },
    expired,
  };
}

/**
 * One keyset page, newest first for live rows and everything, oldest first
 * for expired ones. With an index on processed_at the page walks it;
 * without one it walks the primary key and checks each row, at most
 * `window` rows a page (the cursor then carries only the id).
 */
export async function recipeList(db: Db, t: WatchedTable, q: ListRowsQuery, times: TimeColumns): Promise<RowPage> {
  const byState = q.state === undefined ? raw('processed_at IS NOT NULL') : recipeRules.statePredicate(q.state, q.clock);
  // Expiry is processed_at + retention, so either window is a range of processed_at: with its index, part of the walk's range.
  const windowed = byState && q.between ? sql`${byState} AND ${windowPredicate(times, q.between)}` : byState;
  const search = q.search ? uuidSearch(raw('message_id'), q.search) : null;
  if (search?.none) return { rows: [], next: null, examined: 0 };
  const predicate = windowed && search ? sql`${windowed} AND ${search.filter}` : windowed;
  // A uuid prefix is a primary-key range, whichever index the page walks.
  const idRange = search?.range ? sql` AND ${search.range}` : raw('');
  if (!predicate || q.state === 'unrecognized' || isEmptyState(q.state) || q.consumer !== undefined) return { rows: [], next: null, examined: 0 };
  const descending = q.sort ? q.sort === 'newest' : q.state !== 'expired';
  const dir = raw(descending ? 'DESC' : 'ASC');
  const cmp = raw(descending ? '<' : '>');
  const byTime = t.timeIndexed;
  const order = byTime ? sql`r.processed_at ${dir}, r.message_id ${dir}` : sql`r.message_id ${dir}`;
  const after = !q.after
    ? raw('')
    : byTime
      ? sql` AND (r.processed_at, r.message_id) ${cmp} (${q.after.at}::timestamptz, ${q.after.id}::uuid)`
      : sql` AND r.message_id ${cmp} ${q.after.id}::uuid`;
  const rows = await query<RawRow & { k_at: string; rn: bigint; hit: boolean }>(
    db,
    sql`SELECT w.*, (${predicate}) AS hit FROM (
        SELECT r.message_id::text AS message_id, r.processed_at,
          coalesce(to_char(r.processed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '') AS k_at,
          row_number() OVER (ORDER BY ${order}) AS rn
        FROM ${t.sql} r WHERE ${byTime ? predicate : raw('TRUE')}${idRange}${after}
        ORDER BY ${order} LIMIT ${q.window}
      ) w
      WHERE (${predicate}) OR w.rn = ${q.window}
      LIMIT ${q.limit + 1}`,
  );
  return windowPage(rows, q, (r) => toRow(t, r), (r) => ({ at: r.k_at, id: r.message_id }));
}

function isEmptyState(state: RecordState | undefined): boolean {
  return state === 'processing' || state === 'stuck' || state === 'failed';
}

export async function recipeGet(db: Db, t: WatchedTable, messageId: string): Promise<MessageRowWithResult | null> {
  const [row] = await query<RawRow>(db, sql`SELECT message_id::text AS message_id, processed_at, result FROM ${t.sql} WHERE message_id = ${messageId}::uuid`);
  if (!row || row.processed_at === null) return null;
  return { ...toRow(t, row), result: row.result ?? null };
}

interface SeenRow {
  id: string;
  processed_at: Date | null;
  seen: string;
}

/**
 * Preview of named rows. A recipe row is never in flight: releasing one
 * deletes it, so that the next delivery of that message is processed again.
 */
export async function recipePreview(db: Db, t: WatchedTable, ids: string[], nowMs: number, retentionHours: number): Promise<ReleasePreview> {
  const rows = await query<SeenRow>(
    db,
    sql`SELECT r.message_id::text AS id, r.processed_at, ${recipeRules.seenToken('r')} AS seen FROM ${t.sql} r WHERE r.message_id = ANY(${ids}::uuid[])`,
  );
  return namedPreview(ids, rows, () => true, (row) => {
    const { state, ageSeconds } = classifyRecipeRow({ processedAt: row.processed_at }, nowMs, { retentionHours, stuckAfterSeconds: 0 });
    return {
      key: row.id,
      seen: row.seen,
      state: { format: 'plain', state, consumer: null, owner: null, ageSeconds, ttlSeconds: null, startedAt: row.processed_at?.toISOString() ?? null, leaseExpiresAt: null, bytes: null },
    };
  });
}

/** Deletes each named row only while it is exactly as previewed, in one statement. */
export async function recipeRelease(db: Db, t: WatchedTable, items: { key: string; seen: string }[]): Promise<{ released: string[]; skipped: Skipped[] }> {
  if (!items.length) return { released: [], skipped: [] };
  const ids = items.map((i) => i.key);
  const released = await query<{ id: string }>(
    db,
    sql`DELETE FROM ${t.sql} r USING unnest(${ids}::uuid[], ${items.map((i) => i.seen)}::text[]) AS s(message_id, token)
        WHERE r.message_id = s.message_id AND ${recipeRules.seenToken('r')} = s.token
        RETURNING r.message_id::text AS id`,
  );
  const done = new Set(released.map((r) => r.id));
  const rest = ids.filter((id) => !done.has(id));
  const still = rest.length ? await query<{ id: string }>(db, sql`SELECT message_id::text AS id FROM ${t.sql} WHERE message_id = ANY(${rest}::uuid[])`) : [];
  const present = new Set(still.map((r) => r.id));
  return {
    released: ids.filter((id) => done.has(id)),
    skipped: rest.map((id) => ({ key: id, reason: present.has(id) ? ('changed' as const) : ('missing' as const) })),
  };
}

/** How many rows a purge would delete now: the expired count, as exact as recipeCounts() can make it. */
export async function recipeCountPurgeable(db: Db, t: WatchedTable, clock: RowClock): Promise<{ count: number; estimated: boolean }> {
  const counts = await recipeCounts(db, t, clock);
  return { count: counts.expired.value, estimated: counts.expired.estimated };
}

export function recipeExpiryRule(retentionHours: number): { at: Sql; finished: Sql } {
  return { at: recipeRules.expiryTime(retentionHours), finished: raw('processed_at IS NOT NULL') };
}

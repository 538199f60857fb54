import type { PreviewItem, ReleasePreview, Skipped } from '../../contract/actions';
import { namedPreview } from './named-preview';
import { classifyStripeKeyRow } from '../../records/classify';
import { stateCounts, type CountLimits, type RowCounts } from './counts';
import { query, type Db } from './db';
import { windowPage, windowPredicate, type ListRowsQuery, type MessageRow, type MessageRowWithResult, type RowPage, type TimeColumns } from './messages';
import { rowClock, stripeKeyRules, type RowClock } from './rules';
import { keyTextPredicate } from './search';
import { raw, sql } from './sql';
import type { WatchedTable } from './tables';

/**
 * The idempotency_keys table of "Implementing Stripe-like Idempotency Keys
 * in Postgres" (brandur.org), read as it is. Its key is the bigint `id`. A
 * release means what that design means by it: `locked_at = NULL`, so the
 * next retry resumes from its recovery point; it never deletes the row.
 */

interface RawRow {
  id: string;
  created_at: Date;
  last_run_at: Date | null;
  locked_at: Date | null;
  recovery_point: string;
  idempotency_key: string;
  response_body?: unknown;
}

const COLUMNS = sql`k.id::text AS id, k.created_at, k.last_run_at, k.locked_at, k.recovery_point::text AS recovery_point, k.idempotency_key::text AS idempotency_key`;

function toRow(t: WatchedTable, r: RawRow): MessageRow {
  const inFlight = r.locked_at !== null && r.recovery_point !== 'finished';
  return {
    table: t.name,
    messageId: r.id,
    status: inFlight ? 'processing' : r.recovery_point === 'finished' ? 'completed' : 'failed',
    consumer: r.idempotency_key,
    processedAt: r.created_at,
    claimedAt: r.locked_at ?? r.created_at,
    lastSeenAt: r.last_run_at ?? r.created_at,
    leaseExpiresAt: null,
    expiresAt: null,
    ownerToken: r.recovery_point,
    deliveryCount: 1,
    fingerprint: null,
  };
}

export async function stripeKeyCounts(db: Db, t: WatchedTable, clock: RowClock, limits: CountLimits): Promise<RowCounts> {
  return stateCounts(db, t, (s) => stripeKeyRules.statePredicate(s, clock)!, limits);
}

/** Keyset pages over the primary key, newest id first (oldest first for stuck and expired), the state as a bounded filter. */
export async function stripeKeyList(db: Db, t: WatchedTable, q: ListRowsQuery, times: TimeColumns): Promise<RowPage> {
  const byState = q.state === undefined ? sql`TRUE` : stripeKeyRules.statePredicate(q.state, q.clock);
  // Walked by id (the only index such a table is sure to have): a window is checked on the walked rows, at most `window` a page.
  const windowed = byState && q.between ? sql`${byState} AND ${windowPredicate(times, q.between)}` : byState;
  // An integer id's prefix is no range of the index: it is checked on the walked rows, like a substring.
  const predicate = windowed && q.search ? sql`${windowed} AND ${keyTextPredicate(raw('id'), q.search)}` : windowed;
  if (!predicate || q.consumer !== undefined) return { rows: [], next: null, examined: 0 };
  // Ids grow with created_at, so id order is age order.
  const descending = q.sort ? q.sort === 'newest' : !(q.state === 'stuck' || q.state === 'expired');
  const dir = raw(descending ? 'DESC' : 'ASC');
  const after = q.after ? sql` AND k.id ${raw(descending ? '<' : '>')} ${q.after.id}::bigint` : raw('');
  const rows = await query<RawRow & { rn: bigint; hit: boolean }>(
    db,
    sql`SELECT w.*, (${predicate}) AS hit FROM (
          SELECT ${COLUMNS}, row_number() OVER (ORDER BY k.id ${dir}) AS rn
          FROM ${t.sql} k WHERE TRUE${after} ORDER BY k.id ${dir} LIMIT ${q.window}
        ) w
        WHERE (${predicate}) OR w.rn = ${q.window}
        LIMIT ${q.limit + 1}`,
  );
  // Keyset on id alone: the cursor carries no time.
  return windowPage(rows, q, (r) => toRow(t, r), (r) => ({ at: '', id: r.id }));
}

export async function stripeKeyGet(db: Db, t: WatchedTable, id: string): Promise<MessageRowWithResult | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const [row] = await query<RawRow>(db, sql`SELECT ${COLUMNS}, k.response_body FROM ${t.sql} k WHERE k.id = ${id}::bigint`);
  return row ? { ...toRow(t, row), result: row.response_body ?? null } : null;
}

function toItem(r: RawRow & { seen: string }, nowMs: number, config: { stuckAfterSeconds: number; retentionHours: number }): PreviewItem {
  const { state, ageSeconds } = classifyStripeKeyRow({ createdAt: r.created_at, lockedAt: r.locked_at, recoveryPoint: r.recovery_point }, nowMs, config);
  return {
    key: r.id,
    seen: r.seen,
    state: { format: 'idemscope', state, consumer: r.idempotency_key, owner: r.recovery_point, ageSeconds, ttlSeconds: null, startedAt: r.locked_at?.toISOString() ?? null, leaseExpiresAt: null, bytes: null },
  };
}

const ids = (keys: string[]) => keys.filter((k) => /^\d{1,18}$/.test(k));

/** Keys in flight now (locked, not finished) may be released; the others say why not. */
export async function stripeKeyPreview(
  db: Db,
  t: WatchedTable,
  scope: { keys: string[] } | { olderThanSeconds: number },
  nowMs: number,
  config: { stuckAfterSeconds: number; retentionHours: number; bulkLimit: number },
): Promise<ReleasePreview> {
  const clock = rowClock(nowMs, config.stuckAfterSeconds, config.retentionHours);
  if ('olderThanSeconds' in scope) {
    const rows = await query<RawRow & { seen: string }>(
      db,
      sql`SELECT ${COLUMNS}, ${stripeKeyRules.seenToken('k')} AS seen FROM ${t.sql} k
          WHERE ${stripeKeyRules.statePredicate('stuck', clock)!} AND k.locked_at <= ${new Date(nowMs - scope.olderThanSeconds * 1000)}
          ORDER BY k.locked_at LIMIT ${config.bulkLimit + 1}`,
    );
    const wouldRelease = rows.slice(0, config.bulkLimit).map((r) => toItem(r, nowMs, config));
    return { dryRun: true, store: 'postgres', count: wouldRelease.length, wouldRelease, skipped: [], more: rows.length > config.bulkLimit, examined: rows.length, complete: true };
  }
  const rows = await query<RawRow & { seen: string }>(
    db,
    sql`SELECT ${COLUMNS}, ${stripeKeyRules.seenToken('k')} AS seen FROM ${t.sql} k WHERE k.id = ANY(${ids(scope.keys)}::bigint[])`,
  );
  return namedPreview(scope.keys, rows, (row) => row.locked_at !== null && row.recovery_point !== 'finished', (row) => toItem(row, nowMs, config));
}

/** One statement: clears locked_at of each key only while it is still locked exactly as previewed. */
export async function stripeKeyRelease(db: Db, t: WatchedTable, items: { key: string; seen: string }[]): Promise<{ released: string[]; skipped: Skipped[] }> {
  if (!items.length) return { released: [], skipped: [] };
  const keys = items.map((i) => i.key);
  const valid = items.filter((i) => ids([i.key]).length);
  const released = await query<{ id: string }>(
    db,
    sql`UPDATE ${t.sql} k SET locked_at = NULL
        FROM unnest(${valid.map((i) => i.key)}::bigint[], ${valid.map((i) => i.seen)}::text[]) AS s(id, token)
        WHERE k.id = s.id AND ${stripeKeyRules.inFlight} AND ${stripeKeyRules.seenToken('k')} = s.token
        RETURNING k.id::text AS id`,
  );
  const done = new Set(released.map((r) => r.id));
  const rest = keys.filter((k) => !done.has(k));
  const now = rest.length
    ? await query<{ id: string; in_flight: boolean }>(db, sql`SELECT k.id::text AS id, ${stripeKeyRules.inFlight} AS in_flight FROM ${t.sql} k WHERE k.id = ANY(${ids(rest)}::bigint[])`)
    : [];
  const state = new Map(now.map((r) => [r.id, r.in_flight]));
  return {
    released: keys.filter((k) => done.has(k)),
    skipped: rest.map((k) => ({ key: k, reason: !state.has(k) ? ('missing' as const) : state.get(k) ? ('changed' as const) : ('not-in-flight' as const) })),
  };
}

import { classifyRow, type ClassifiedRow, type RowClassifyConfig } from '../../records/classify';
import type { RecordState } from '../../records/states';
import type { TimeWindow } from '../../records/time-window';
import type { KeySearch } from '../../records/glob';
import { uuidSearch } from './search';
import { num, query, type Db } from './db';
import { libraryRules, processingPredicate, quoteIdent, stuckByAge, stuckByLease, stuckPredicate, type LibraryRules, type RowClock } from './rules';
import { raw, sql, type Sql } from './sql';
import type { TableRef } from './tables';

export interface MessageRow {
  /** The watched table it is a row of, `schema.table`. */
  table: string;
  messageId: string;
  /** `unknown`: a custom table's status holds none of its mapped values. */
  status: 'processing' | 'completed' | 'failed' | 'unknown';
  consumer: string;
  processedAt: Date;
  claimedAt: Date;
  lastSeenAt: Date;
  leaseExpiresAt: Date | null;
  expiresAt: Date | null;
  ownerToken: string | null;
  deliveryCount: number;
  fingerprint: string | null;
  /** The row's state and age by its own profile's rule, where the library's classifyRow() would read its fields otherwise (custom tables). */
  classify?: (nowMs: number, config: RowClassifyConfig) => ClassifiedRow;
}

/** A listed or looked-up row's state and age, on the caller's clock. */
export function classifyMessageRow(row: MessageRow, nowMs: number, config: RowClassifyConfig): ClassifiedRow {
  if (row.classify) return row.classify(nowMs, config);
  if (row.status === 'unknown') return { state: 'unrecognized', ageSeconds: 0 };
  return classifyRow({ ...row, status: row.status }, nowMs, config);
}

export interface MessageRowWithResult extends MessageRow {
  result: unknown;
}

/** Position in a listing: the sort column (microsecond text, so no row repeats) and the id. */
export interface RowKey {
  at: string;
  id: string;
}

export interface RowPage {
  rows: MessageRow[];
  next: RowKey | null;
  examined: number;
}

/** A row of a windowed walk: its number in walk order, and whether it passes the listing's filter. */
export interface WalkedRow {
  rn: bigint;
  hit: boolean;
}

/**
 * A page from one windowed walk (every profile lists this way): the first
 * `limit` hits in walk order, and where the next page starts, after the last
 * hit or, when the window ran out first, after the window's last row.
 */
export function windowPage<R extends WalkedRow>(rows: R[], q: { limit: number; window: number }, item: (r: R) => MessageRow, key: (r: R) => RowKey): RowPage {
  rows.sort((a, b) => num(a.rn) - num(b.rn));
  const hits = rows.filter((r) => r.hit).slice(0, q.limit);
  const items = hits.map(item);
  if (hits.length === q.limit) {
    const end = hits[hits.length - 1]!;
    return { rows: items, next: key(end), examined: num(end.rn) };
  }
  const boundary = rows.find((r) => num(r.rn) === q.window);
  if (boundary) return { rows: items, next: key(boundary), examined: q.window };
  return { rows: items, next: null, examined: num(rows[rows.length - 1]?.rn) };
}

/** The row as the dashboard reads it; expires_at is the expiry its table's rules give it. */
const columns = (rules: LibraryRules): Sql => sql`message_id::text AS message_id, status::text AS status, consumer, processed_at, claimed_at, last_seen_at,
  lease_expires_at, ${rules.expiresAt} AS expires_at, owner_token, delivery_count, fingerprint${rules.extraColumns}`;

interface RawRow {
  message_id: string;
  status: MessageRow['status'];
  consumer: string;
  processed_at: Date;
  claimed_at: Date;
  last_seen_at: Date;
  lease_expires_at: Date | null;
  expires_at: Date | null;
  owner_token: string | null;
  delivery_count: number;
  fingerprint: string | null;
  result?: unknown;
}

function toRow(t: TableRef, r: RawRow): MessageRow {
  return {
    table: t.name,
    messageId: r.message_id,
    status: r.status,
    consumer: r.consumer,
    processedAt: r.processed_at,
    claimedAt: r.claimed_at,
    lastSeenAt: r.last_seen_at,
    leaseExpiresAt: r.lease_expires_at,
    expiresAt: r.expires_at,
    ownerToken: r.owner_token,
    deliveryCount: num(r.delivery_count),
    fingerprint: r.fingerprint,
  };
}

/**
 * How each listing walks an index: the range is what the index answers
 * (status prefix, sort column), the filter is checked on the rows the
 * bounded window returns. Stuck and expired rows come oldest first, live
 * results newest first.
 */
interface Walk {
  column: string;
  descending: boolean;
  range: Sql;
  filter: Sql;
}

function walkFor(state: RecordState | undefined, c: RowClock, rules: LibraryRules): Walk | null {
  switch (state) {
    case undefined:
      return { column: rules.timeColumn, descending: true, range: raw('TRUE'), filter: raw('TRUE') };
    case 'processing':
      return { column: 'claimed_at', descending: false, range: sql`status = 'processing' AND claimed_at > ${c.stuckCut}`, filter: processingPredicate(c) };
    case 'stuck':
      return { column: 'claimed_at', descending: false, range: raw(`status = 'processing'`), filter: stuckPredicate(c) };
    case 'completed':
    case 'failed':
      return { column: 'claimed_at', descending: true, range: raw(`status = '${state}'`), filter: rules.statePredicate(state, c)! };
    case 'expired':
      return { column: rules.timeColumn, descending: false, range: rules.expiredRange(c), filter: rules.expiredPredicate(c) };
    case 'unrecognized':
      return null;
  }
}

export type RowSort = 'newest' | 'oldest';

export interface ListRowsQuery {
  state?: RecordState;
  consumer?: string;
  /** Rows whose recorded (or expiry) time lies in the window; see TimeColumns. */
  between?: TimeWindow;
  /** Rows whose key (message_id, or a stripe-keys id) starts with or holds the text. */
  search?: KeySearch;
  /** Newest or oldest first along the walk's own index (its time, or the key where it walks the key); the state's order when absent. */
  sort?: RowSort;
  after: RowKey | null;
  limit: number;
  /** Most rows this page may read; a page can end short of `limit` with a next key. */
  window: number;
  clock: RowClock;
}

/**
 * One keyset page. The inner query reads at most `window` rows in index
 * order; the page is the first `limit` of them that pass the filter, so the
 * work per request is bounded however rare the matching rows are.
 */
export async function listRows(db: Db, t: TableRef, q: ListRowsQuery, times: TimeColumns, rules: LibraryRules = libraryRules): Promise<RowPage> {
  const found = walkFor(q.state, q.clock, rules);
  if (!found) return { rows: [], next: null, examined: 0 };
  const inWindow = q.between ? windowPredicate(times, q.between) : null;
  // A window on the column the walk follows narrows its index range; any other window is checked on the walked rows.
  let walk =
    inWindow && q.between?.on === 'recorded' && found.column === 'processed_at'
      ? { ...found, range: sql`${found.range} AND ${inWindow}` }
      : inWindow
        ? { ...found, filter: sql`${found.filter} AND ${inWindow}` }
        : found;
  if (q.sort) walk = { ...walk, descending: q.sort === 'newest' };
  if (q.search) {
    const search = uuidSearch(raw('message_id'), q.search);
    if (search.none) return { rows: [], next: null, examined: 0 };
    walk = { ...walk, range: search.range ? sql`${walk.range} AND ${search.range}` : walk.range, filter: sql`${walk.filter} AND ${search.filter}` };
  }
  const col = raw(quoteIdent(walk.column));
  // Qualified, so that ORDER BY means the uuid column and not the text alias of the select list (which no index orders).
  const order = raw(`pm.${quoteIdent(walk.column)} ${walk.descending ? 'DESC' : 'ASC'}, pm.message_id ${walk.descending ? 'DESC' : 'ASC'}`);
  const cmp = raw(walk.descending ? '<' : '>');
  const bound = raw(walk.descending ? '<=' : '>=');
  const after = q.after
    ? sql` AND ${col} ${bound} ${q.after.at}::timestamptz AND (${col}, message_id) ${cmp} (${q.after.at}::timestamptz, ${q.after.id}::uuid)`
    : raw('');
  const filter = q.consumer === undefined ? walk.filter : sql`${walk.filter} AND consumer = ${q.consumer}`;

  // Streams: the index scan stops as soon as `limit` rows pass the filter or
  // the window is used up; the row numbered `window` marks where the next page
  // starts. No outer ORDER BY: a sort there would read the whole window first;
  // the rows arrive in index order and are put in rn order below.
  const rows = await query<RawRow & { k_at: string; rn: bigint; hit: boolean }>(
    db,
    sql`SELECT w.*, (${filter}) AS hit FROM (
        SELECT ${columns(rules)}, to_char(pm.${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k_at,
          row_number() OVER (ORDER BY ${order}) AS rn
        FROM ${t.sql} pm WHERE ${walk.range}${after}
        ORDER BY ${order} LIMIT ${q.window}
      ) w
      WHERE (${filter}) OR w.rn = ${q.window}
      LIMIT ${q.limit + 1}`,
  );

  return windowPage(rows, q, (r) => toRow(t, r), (r) => ({ at: r.k_at, id: r.message_id }));
}

/**
 * A profile's times as SQL on its own columns: when a row was recorded, and
 * the retention it expires after. An expiry window on a table whose expiry is
 * its recorded time plus retention becomes a window on that column (which an
 * index can answer) shifted by the retention.
 */
export interface TimeColumns {
  recorded: Sql;
  retentionHours: number;
  /** The expiry as SQL when it is more than recorded + retention (the library's own expires_at). */
  expires?: Sql;
}

export function windowPredicate(times: TimeColumns, w: TimeWindow): Sql {
  const shift = w.on === 'expires' && !times.expires ? times.retentionHours * 3_600_000 : 0;
  const column = w.on === 'recorded' || !times.expires ? times.recorded : times.expires;
  const ends = [
    ...(w.fromMs !== undefined ? [sql`${column} >= ${new Date(w.fromMs - shift)}`] : []),
    ...(w.toMs !== undefined ? [sql`${column} < ${new Date(w.toMs - shift)}`] : []),
  ];
  return ends.length === 0 ? raw('TRUE') : ends.length === 1 ? sql`(${ends[0]!})` : sql`(${ends[0]!} AND ${ends[1]!})`;
}

export async function getRow(db: Db, t: TableRef, messageId: string, rules: LibraryRules = libraryRules): Promise<MessageRowWithResult | null> {
  const [row] = await query<RawRow>(db, sql`SELECT ${columns(rules)}, result FROM ${t.sql} WHERE message_id = ${messageId}::uuid`);
  return row ? { ...toRow(t, row), result: row.result ?? null } : null;
}

/**
 * The longest-stuck rows, oldest claim first: claims older than the
 * threshold, then young claims whose lease ran out. Both walk the
 * (status, claimed_at) index from one end and stop after `limit` rows; the
 * young range only holds the last few minutes' claims.
 */
export async function oldestStuckRows(db: Db, t: TableRef, clock: RowClock, limit: number, rules: LibraryRules = libraryRules): Promise<MessageRow[]> {
  const rows = await query<RawRow>(
    db,
    sql`(SELECT ${columns(rules)} FROM ${t.sql} WHERE ${stuckByAge(clock)} ORDER BY claimed_at, message_id LIMIT ${limit})
        UNION ALL
        (SELECT ${columns(rules)} FROM ${t.sql} WHERE ${stuckByLease(clock)} ORDER BY claimed_at, message_id LIMIT ${limit})`,
  );
  return rows
    .map((r) => toRow(t, r))
    .sort((a, b) => a.claimedAt.getTime() - b.claimedAt.getTime())
    .slice(0, limit);
}

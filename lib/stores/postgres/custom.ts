import type { PreviewItem, ReleasePreview, Skipped } from '../../contract/actions';
import { namedPreview } from './named-preview';
import { classifyCustomRow } from '../../records/classify';
import type { RowClassifyConfig } from '../../records/classify';
import { stateCounts, type CountLimits, type RowCounts } from './counts';
import { query, type Db } from './db';
import { windowPage, windowPredicate, type ListRowsQuery, type MessageRow, type MessageRowWithResult, type RowPage } from './messages';
import { customRules, quoteIdent, rowClock, type CustomRules } from './rules';
import { keyTextPredicate, uuidSearch } from './search';
import { raw, sql, type Sql } from './sql';
import type { WatchedTable } from './tables';

/**
 * An in-house table read through its column mapping (the `custom` profile,
 * IDEMSCOPE_CUSTOM_COLUMNS), as it is. Its key is the mapped id (a uuid or
 * an integer). Nothing here writes to it but a release, which deletes a row
 * only while it is exactly as previewed, and the purge.
 */

export interface CustomTable {
  t: WatchedTable;
  rules: CustomRules;
  settings: RowClassifyConfig & { bulkLimit: number };
}

export function customTable(t: WatchedTable, settings: RowClassifyConfig & { bulkLimit: number }): CustomTable {
  return { t, rules: customRules(t.custom!.columns), settings };
}

interface RawRow {
  id: string;
  status: string | null;
  processed: Date | null;
  claimed: Date | null;
  lease: Date | null;
  expires: Date | null;
  consumer: string | null;
  result?: unknown;
}

/** Every mapped role under one name per role (NULL where the table maps none), read through the alias `k`. */
function columns(c: CustomTable): Sql {
  const m = c.t.custom!.columns;
  const of = (name: string | undefined, cast = '') => raw(name ? `k.${quoteIdent(name)}${cast}` : `NULL${cast || '::timestamptz'}`);
  return sql`k.${raw(quoteIdent(m.id))}::text AS id, ${of(m.status, '::text')} AS status, ${of(m.processed)} AS processed,
    ${of(m.claimed ?? m.processed)} AS claimed, ${of(m.lease)} AS lease, ${of(m.expires)} AS expires, ${of(m.consumer, '::text')} AS consumer`;
}

const idColumn = (c: CustomTable) => raw(`k.${quoteIdent(c.t.custom!.columns.id)}`);
const idArray = (c: CustomTable) => raw(c.t.custom!.idKind === 'uuid' ? 'uuid[]' : 'bigint[]');

/** Keys this table can hold: a uuid or an integer, by its id column. Any other key is simply missing here, never a failed cast. */
function validKeys(c: CustomTable, keys: string[]): string[] {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  return keys.filter((k) => (c.t.custom!.idKind === 'uuid' ? uuid.test(k) : /^-?\d{1,18}$/.test(k)));
}

function facts(r: RawRow) {
  return { status: r.status, processedAt: r.processed, claimedAt: r.claimed, leaseUntil: r.lease, expiresAt: r.expires };
}

function toRow(c: CustomTable, r: RawRow): MessageRow {
  const values = c.rules.statusValues;
  const status = values === null ? 'completed' : r.status === values.processing ? 'processing' : r.status === values.completed ? 'completed' : r.status === values.failed ? 'failed' : 'unknown';
  const shown = r.processed ?? r.claimed ?? r.lease ?? new Date(0);
  return {
    table: c.t.name,
    messageId: r.id,
    status,
    consumer: r.consumer ?? '',
    processedAt: shown,
    claimedAt: r.claimed ?? shown,
    lastSeenAt: shown,
    leaseExpiresAt: r.lease,
    expiresAt: r.expires,
    ownerToken: null,
    deliveryCount: 1,
    fingerprint: null,
    classify: (nowMs, config) => classifyCustomRow(facts(r), values, nowMs, config),
  };
}

export function customCounts(db: Db, c: CustomTable, clock: ReturnType<typeof rowClock>, limits: CountLimits): Promise<RowCounts> {
  return stateCounts(db, c.t, (s) => c.rules.statePredicate(s, clock), limits);
}

/**
 * One keyset page along the id (the primary key), the state, window, search
 * and consumer checked on the walked rows, at most `window` rows a page. Not
 * along the processed column even where it is indexed: rows in flight often
 * have no processed time yet, and a walk of that index would never reach them.
 */
export async function customList(db: Db, c: CustomTable, q: ListRowsQuery): Promise<RowPage> {
  const m = c.t.custom!.columns;
  const processed = raw(`k.${quoteIdent(m.processed)}`);
  const id = idColumn(c);
  const byState = q.state === undefined ? raw('TRUE') : c.rules.statePredicate(q.state, q.clock);
  const times = { recorded: processed, retentionHours: c.settings.retentionHours, ...(m.expires ? { expires: c.rules.expiryTime(c.settings.retentionHours) } : {}) };
  const windowed = q.between ? sql`${byState} AND ${windowPredicate(times, q.between)}` : byState;
  let search: { range: Sql | null; filter: Sql; none: boolean } | null = null;
  if (q.search) search = c.t.custom!.idKind === 'uuid' ? uuidSearch(id, q.search) : { range: null, filter: keyTextPredicate(sql`${id}::text`, q.search), none: false };
  if (search?.none) return { rows: [], next: null, examined: 0 };
  const byConsumer = q.consumer === undefined ? null : m.consumer ? sql`k.${raw(quoteIdent(m.consumer))}::text = ${q.consumer}` : raw('FALSE');
  const predicate = [windowed, search?.filter, byConsumer].filter((p): p is Sql => !!p).reduce((a, p) => sql`${a} AND ${p}`);
  // A uuid prefix is a range of the primary key.
  const idRange = search?.range ? sql` AND ${search.range}` : raw('');
  const descending = q.sort ? q.sort === 'newest' : !(q.state === 'stuck' || q.state === 'expired');
  const dir = raw(descending ? 'DESC' : 'ASC');
  const cast = raw(c.t.custom!.idKind === 'uuid' ? '::uuid' : '::bigint');
  const after = q.after ? sql` AND ${id} ${raw(descending ? '<' : '>')} ${q.after.id}${cast}` : raw('');
  const rows = await query<RawRow & { rn: bigint; hit: boolean }>(
    db,
    sql`SELECT w.*, w.hit_ AS hit FROM (
        SELECT ${columns(c)}, (${predicate}) AS hit_, row_number() OVER (ORDER BY ${id} ${dir}) AS rn
        FROM ${c.t.sql} k WHERE TRUE${idRange}${after}
        ORDER BY ${id} ${dir} LIMIT ${q.window}
      ) w
      WHERE w.hit_ OR w.rn = ${q.window}
      LIMIT ${q.limit + 1}`,
  );
  // Keyset on the id alone: the cursor carries no time.
  return windowPage(rows, q, (r) => toRow(c, r), (r) => ({ at: '', id: r.id }));
}

/**
 * Stuck rows for the overview, oldest claim first among those found: a
 * bounded listing (at most `window` rows read), never a scan of the table.
 */
export async function customOldestStuck(db: Db, c: CustomTable, clock: ReturnType<typeof rowClock>, limit: number): Promise<MessageRow[]> {
  const page = await customList(db, c, { state: 'stuck', after: null, limit, window: Math.max(limit, 5000), clock });
  return page.rows.sort((a, b) => a.claimedAt.getTime() - b.claimedAt.getTime());
}

export async function customGet(db: Db, c: CustomTable, key: string): Promise<MessageRowWithResult | null> {
  if (!validKeys(c, [key]).length) return null;
  const m = c.t.custom!.columns;
  const result = m.result ? raw(`k.${quoteIdent(m.result)}`) : raw('NULL::jsonb');
  const [row] = await query<RawRow>(db, sql`SELECT ${columns(c)}, ${result} AS result FROM ${c.t.sql} k WHERE ${idColumn(c)} = ANY(${[key]}::${idArray(c)})`);
  return row ? { ...toRow(c, row), result: row.result ?? null } : null;
}

function toItem(c: CustomTable, r: RawRow & { seen: string }, nowMs: number): PreviewItem {
  const { state, ageSeconds } = classifyCustomRow(facts(r), c.rules.statusValues, nowMs, c.settings);
  return {
    key: r.id,
    seen: r.seen,
    state: {
      format: 'plain',
      state,
      consumer: r.consumer,
      owner: null,
      ageSeconds,
      ttlSeconds: null,
      startedAt: (r.claimed ?? r.processed)?.toISOString() ?? null,
      leaseExpiresAt: r.lease?.toISOString() ?? null,
      bytes: null,
    },
  };
}

/**
 * What a release may delete. With a status column, rows in flight (so that
 * the next delivery claims the message afresh), like the library's; without
 * one every row is a finished result, and deleting it means the next
 * delivery is processed again, like the recipe's.
 */
function releasable(c: CustomTable): Sql {
  return c.rules.statusValues === null ? raw('TRUE') : c.rules.inFlight;
}

export async function customPreview(db: Db, c: CustomTable, scope: { keys: string[] } | { olderThanSeconds: number }, nowMs: number): Promise<ReleasePreview> {
  const select = sql`SELECT ${columns(c)}, ${c.rules.seenToken('k')} AS seen, (${releasable(c)}) AS releasable FROM ${c.t.sql} k`;
  if ('olderThanSeconds' in scope) {
    const m = c.t.custom!.columns;
    const claimed = raw(`k.${quoteIdent(m.claimed ?? m.processed)}`);
    const clock = rowClock(nowMs, c.settings.stuckAfterSeconds, c.settings.retentionHours);
    const rows = await query<RawRow & { seen: string }>(
      db,
      sql`${select} WHERE ${c.rules.statePredicate('stuck', clock)} AND (${claimed} IS NULL OR ${claimed} <= ${new Date(nowMs - scope.olderThanSeconds * 1000)})
          ORDER BY ${claimed} NULLS FIRST LIMIT ${c.settings.bulkLimit + 1}`,
    );
    const wouldRelease = rows.slice(0, c.settings.bulkLimit).map((r) => toItem(c, r, nowMs));
    const more = rows.length > c.settings.bulkLimit;
    return { dryRun: true, store: 'postgres', count: wouldRelease.length, wouldRelease, skipped: [], more, examined: rows.length, complete: true };
  }
  const rows = await query<RawRow & { seen: string; releasable: boolean | null }>(db, sql`${select} WHERE ${idColumn(c)} = ANY(${validKeys(c, scope.keys)}::${idArray(c)})`);
  return namedPreview(scope.keys, rows, (row) => row.releasable === true, (row) => toItem(c, row, nowMs));
}

/** One statement: deletes each named row only while it is releasable and exactly as previewed (its seen token). */
export async function customRelease(db: Db, c: CustomTable, items: { key: string; seen: string }[]): Promise<{ released: string[]; skipped: Skipped[] }> {
  if (!items.length) return { released: [], skipped: [] };
  const keys = items.map((i) => i.key);
  const valid = items.filter((i) => validKeys(c, [i.key]).length);
  const released = await query<{ id: string }>(
    db,
    sql`DELETE FROM ${c.t.sql} k USING unnest(${valid.map((i) => i.key)}::${idArray(c)}, ${valid.map((i) => i.seen)}::text[]) AS s(id, token)
        WHERE ${idColumn(c)} = s.id AND (${releasable(c)}) AND ${c.rules.seenToken('k')} = s.token
        RETURNING ${idColumn(c)}::text AS id`,
  );
  const done = new Set(released.map((r) => r.id));
  const rest = keys.filter((k) => !done.has(k));
  // Only explains the skips; the decision above was taken atomically.
  const still = rest.length
    ? await query<{ id: string; releasable: boolean | null }>(
        db,
        sql`SELECT ${idColumn(c)}::text AS id, (${releasable(c)}) AS releasable FROM ${c.t.sql} k WHERE ${idColumn(c)} = ANY(${validKeys(c, rest)}::${idArray(c)})`,
      )
    : [];
  const state = new Map(still.map((r) => [r.id, r.releasable === true]));
  return {
    released: keys.filter((k) => done.has(k)),
    skipped: rest.map((k) => ({ key: k, reason: !state.has(k) ? ('missing' as const) : state.get(k) ? ('changed' as const) : ('not-in-flight' as const) })),
  };
}

import type { CustomColumns } from '../../config/env';
import { partitionedPurgeableCondition, purgeableCondition } from '../../idempotency';
import type { RecordState } from '../../records/states';
import { raw, sql, type Sql } from './sql';

/**
 * Every rule about processed_messages rows, as SQL, in one place: counts,
 * listings, release and the purge's dry run all use these. They are the SQL
 * twin of classifyRow() in lib/records/classify.ts, with the same boundaries
 * and the same clock (the app's, passed in as a RowClock); a parity test
 * runs both, and the purge's in-database re-check, over the same rows.
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

/** Past an explicit expires_at: a range of the expires_at index. */
export function expiredExplicitly(c: RowClock): Sql {
  return sql`(status <> 'processing' AND expires_at <= ${c.now})`;
}

/** No expires_at and past the global retention: a range of the processed_at index. */
export function expiredByRetention(c: RowClock): Sql {
  return sql`(status <> 'processing' AND expires_at IS NULL AND processed_at <= ${c.retentionCut})`;
}

/**
 * Past COALESCE(expires_at, processed_at + retention), the rule the purge
 * deletes by, written as the two index ranges above.
 */
export function expiredPredicate(c: RowClock): Sql {
  return sql`(${expiredExplicitly(c)} OR ${expiredByRetention(c)})`;
}

function live(status: 'completed' | 'failed', c: RowClock): Sql {
  return sql`(status = ${raw(`'${status}'`)} AND (expires_at > ${c.now} OR (expires_at IS NULL AND processed_at > ${c.retentionCut})))`;
}

export function processingPredicate(c: RowClock): Sql {
  return sql`(${IN_FLIGHT} AND claimed_at > ${c.stuckCut} AND (lease_expires_at IS NULL OR lease_expires_at > ${c.now}))`;
}

/** Stuck by age: claimed at or before the stuck cut. A range of the (status, claimed_at) index. */
export function stuckByAge(c: RowClock): Sql {
  return sql`(${IN_FLIGHT} AND claimed_at <= ${c.stuckCut})`;
}

/** Stuck because the lease ran out while the claim is still young: the other, disjoint half. */
export function stuckByLease(c: RowClock): Sql {
  return sql`(${IN_FLIGHT} AND claimed_at > ${c.stuckCut} AND lease_expires_at <= ${c.now})`;
}

export function stuckPredicate(c: RowClock): Sql {
  return sql`(${stuckByAge(c)} OR ${stuckByLease(c)})`;
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

/** When a finished row expires: its own expires_at, else processed_at plus the retention. */
export function expiryTime(retentionHours: number): Sql {
  return sql`COALESCE(expires_at, processed_at + ${`${retentionHours} hours`}::interval)`;
}

/**
 * The opaque `seen` of a row: it changes whenever the row is claimed,
 * taken over, completed or failed, since each of those rewrites owner_token
 * or lease_expires_at (and a takeover also claimed_at). Epochs as text keep
 * the microseconds that a JS Date would drop.
 */
export function seenToken(alias: string): Sql {
  return raw(`md5(coalesce(${alias}.owner_token, '') || '|'
  || coalesce(extract(epoch FROM ${alias}.lease_expires_at)::text, '') || '|'
  || extract(epoch FROM ${alias}.claimed_at)::text)`);
}

/**
 * The expiry rule as the purge re-checks it while deleting: SQL text on the
 * table's unqualified columns and the database's clock (the one that counts
 * at the moment of deletion), handed to the purge_window function. The
 * processor library's own purgeExpired() deletes by the same text, so it
 * lives with the library; the parity test holds it to expiredPredicate().
 */
export { purgeableCondition };

/**
 * The library profile's rules as one value, so that counts, listings and
 * the purge read a table through the rules of its shape: the plain library
 * table (`libraryRules`) or one range-partitioned by a message time
 * (`partitionedRules`).
 */
export interface LibraryRules {
  statePredicate(state: RecordState, c: RowClock): Sql | null;
  expiredPredicate(c: RowClock): Sql;
  /** The expired predicate as disjoint parts, each a range of one index (or of the partition key), for the dry-run count. */
  expiredParts(c: RowClock): Sql[];
  /** The row's expiry as the dashboard shows and classifies it (expires_at in the plain table). */
  expiresAt: Sql;
  /** The column listings of all rows and of expired rows walk. */
  timeColumn: string;
  /** Columns a listing selects besides the library's, for its filters to read (`, "message_time"`). */
  extraColumns: Sql;
  /** A range on timeColumn that holds every expired row (the partition key's, so that partitions are pruned); TRUE when none. */
  expiredRange(c: RowClock): Sql;
  purgeableCondition(retentionHours: number): string;
}

export const libraryRules: LibraryRules = {
  statePredicate,
  expiredPredicate,
  expiredParts: (c) => [expiredExplicitly(c), expiredByRetention(c)],
  expiresAt: raw('expires_at'),
  timeColumn: 'processed_at',
  extraColumns: raw(''),
  expiredRange: () => raw('TRUE'),
  purgeableCondition,
};

/** A column name from the catalog, quoted for SQL text. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A library table range-partitioned by a time every redelivery of a message
 * carries (`column`, e.g. the broker's record timestamp). A row lives as long
 * as its partition's retention, and longer only if its own expires_at says
 * so: it is expired once `column` is at or before the retention cut and its
 * expires_at (if any) has passed, i.e. at GREATEST(column + retention,
 * expires_at). Because the rule reads the partition key, expired rows are a
 * range of it (partitions newer than the cut are pruned), and a partition
 * whose upper bound is past the cut holds only expired rows, unless one is in
 * flight or has a later expires_at, which the purge checks before it drops
 * one. The TypeScript twin is partitionedExpiry() with classifyRow() in
 * lib/records/classify.ts.
 */
export function partitionedRules(column: string, retentionHours: number): LibraryRules {
  const p = raw(quoteIdent(column));
  const expired = (c: RowClock) => sql`(status <> 'processing' AND ${p} <= ${c.retentionCut} AND (expires_at IS NULL OR expires_at <= ${c.now}))`;
  const live = (status: 'completed' | 'failed', c: RowClock) =>
    sql`(status = ${raw(`'${status}'`)} AND (${p} > ${c.retentionCut} OR expires_at > ${c.now}))`;
  return {
    statePredicate(state, c) {
      switch (state) {
        case 'completed':
        case 'failed':
          return live(state, c);
        case 'expired':
          return expired(c);
        default:
          return statePredicate(state, c);
      }
    },
    expiredPredicate: expired,
    expiredParts: (c) => [expired(c)],
    expiresAt: sql`GREATEST(${p} + ${`${retentionHours} hours`}::interval, expires_at)`,
    timeColumn: column,
    extraColumns: raw(`, ${quoteIdent(column)}`),
    expiredRange: (c) => sql`${p} <= ${c.retentionCut}`,
    purgeableCondition: (hours) => partitionedPurgeableCondition(quoteIdent(column), hours),
  };
}

/**
 * The recipe profile (message_id, processed_at, result): every row is
 * completed, and expired once processed_at is at or before the retention
 * cut; a row without processed_at is unrecognized. The SQL twin of
 * classifyRecipeRow() in lib/records/classify.ts.
 */
export const recipeRules = {
  expired: (c: RowClock): Sql => sql`(processed_at <= ${c.retentionCut})`,
  live: (c: RowClock): Sql => sql`(processed_at > ${c.retentionCut})`,
  statePredicate(state: RecordState, c: RowClock): Sql | null {
    switch (state) {
      case 'completed':
        return recipeRules.live(c);
      case 'expired':
        return recipeRules.expired(c);
      case 'unrecognized':
        return raw('(processed_at IS NULL)');
      case 'processing':
      case 'stuck':
      case 'failed':
        return raw('FALSE');
    }
  },
  expiryTime: (retentionHours: number): Sql => sql`(processed_at + ${`${retentionHours} hours`}::interval)`,
  /** As purgeableCondition(), for the purge_window function, on the database clock. */
  purgeableCondition(retentionHours: number): string {
    if (!Number.isInteger(retentionHours) || retentionHours < 0) throw new RangeError(`retention hours must be a whole number, got ${retentionHours}`);
    return `processed_at <= now() - make_interval(hours => ${retentionHours})`;
  },
  /** What a release compares against the preview: the row's time and result, as they were. */
  seenToken: (alias: string): Sql => raw(`md5(coalesce(extract(epoch FROM ${alias}.processed_at)::text, '') || '|' || coalesce(${alias}.result::text, ''))`),
};

/**
 * The stripe-keys profile (brandur.org's idempotency_keys): the SQL twin of
 * classifyStripeKeyRow() in lib/records/classify.ts.
 */
const STRIPE_IN_FLIGHT = `(locked_at IS NOT NULL AND recovery_point <> 'finished')`;
const STRIPE_AT_REST = `(locked_at IS NULL OR recovery_point = 'finished')`;
export const stripeKeyRules = {
  inFlight: raw(STRIPE_IN_FLIGHT),
  statePredicate(state: RecordState, c: RowClock): Sql | null {
    switch (state) {
      case 'processing':
        return sql`(${raw(STRIPE_IN_FLIGHT)} AND locked_at > ${c.stuckCut})`;
      case 'stuck':
        return sql`(${raw(STRIPE_IN_FLIGHT)} AND locked_at <= ${c.stuckCut})`;
      case 'completed':
        return sql`(recovery_point = 'finished' AND created_at > ${c.retentionCut})`;
      case 'failed':
        return sql`(locked_at IS NULL AND recovery_point <> 'finished' AND created_at > ${c.retentionCut})`;
      case 'expired':
        return sql`(${raw(STRIPE_AT_REST)} AND created_at <= ${c.retentionCut})`;
      case 'unrecognized':
        return raw('FALSE');
    }
  },
  expiryTime: (retentionHours: number): Sql => sql`(created_at + ${`${retentionHours} hours`}::interval)`,
  finished: raw(STRIPE_AT_REST),
  purgeableCondition(retentionHours: number): string {
    if (!Number.isInteger(retentionHours) || retentionHours < 0) throw new RangeError(`retention hours must be a whole number, got ${retentionHours}`);
    return `${STRIPE_AT_REST} AND created_at <= now() - make_interval(hours => ${retentionHours})`;
  },
  /** What a release compares against the preview: the lock and the recovery point as they were (microseconds kept as text). */
  seenToken: (alias: string): Sql =>
    raw(`md5(coalesce(extract(epoch FROM ${alias}.locked_at)::text, '') || '|' || ${alias}.recovery_point || '|' || coalesce(extract(epoch FROM ${alias}.last_run_at)::text, ''))`),
};

function wholeHours(retentionHours: number): number {
  if (!Number.isInteger(retentionHours) || retentionHours < 0) throw new RangeError(`retention hours must be a whole number, got ${retentionHours}`);
  return retentionHours;
}

/** A status value as an SQL literal. Values are checked at start-up (no quotes can occur); doubling quotes keeps that true here too. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The `custom` profile: an in-house table read through its column mapping
 * (IDEMSCOPE_CUSTOM_COLUMNS). The SQL twin of classifyCustomRow() in
 * lib/records/classify.ts. Every column name is a checked identifier,
 * quoted; status values are checked literals, so the purge's text condition
 * and the parameterised predicates read the same SQL.
 */
export function customRules(m: CustomColumns) {
  const col = (name: string) => quoteIdent(name);
  const processed = col(m.processed);
  const claimed = col(m.claimed ?? m.processed);
  const lease = m.lease ? col(m.lease) : null;
  const expires = m.expires ? col(m.expires) : null;
  const is = (state: keyof CustomColumns['statusValues']): string =>
    m.status ? `(${col(m.status)}::text = ${literal(m.statusValues[state])})` : state === 'completed' ? 'TRUE' : 'FALSE';
  const inFlight = is('processing');
  /** Rows that can expire: finished ones (every row without a status column). */
  const finished = m.status ? `(${is('completed')} OR ${is('failed')})` : 'TRUE';
  /** Past its expiry, on a clock given as SQL (a parameter, or now() in the purge's text). */
  const expiredAt = (now: Sql, retentionCut: Sql): Sql =>
    expires
      ? sql`(${raw(expires)} <= ${now} OR (${raw(expires)} IS NULL AND ${raw(processed)} <= ${retentionCut}))`
      : sql`(${raw(processed)} <= ${retentionCut})`;
  const liveAt = (c: RowClock): Sql =>
    expires
      ? sql`(${raw(expires)} > ${c.now} OR (${raw(expires)} IS NULL AND ${raw(processed)} > ${c.retentionCut}))`
      : sql`(${raw(processed)} > ${c.retentionCut})`;
  const stuck = (c: RowClock): Sql =>
    lease
      ? sql`(${raw(inFlight)} AND (${raw(lease)} <= ${c.now} OR (${raw(lease)} IS NULL AND ${raw(claimed)} <= ${c.stuckCut})))`
      : sql`(${raw(inFlight)} AND ${raw(claimed)} <= ${c.stuckCut})`;
  const processing = (c: RowClock): Sql =>
    lease
      ? sql`(${raw(inFlight)} AND (${raw(lease)} > ${c.now} OR (${raw(lease)} IS NULL AND ${raw(claimed)} > ${c.stuckCut})))`
      : sql`(${raw(inFlight)} AND ${raw(claimed)} > ${c.stuckCut})`;
  const expired = (c: RowClock): Sql => sql`(${raw(finished)} AND ${expiredAt(sql`${c.now}`, sql`${c.retentionCut}`)})`;
  const recognized = (c: RowClock): Sql[] => [
    processing(c),
    stuck(c),
    sql`(${raw(is('completed'))} AND ${liveAt(c)})`,
    sql`(${raw(is('failed'))} AND ${liveAt(c)})`,
    expired(c),
  ];
  const rules = {
    /** The status values classifyCustomRow() reads, or null when the table has no status column. */
    statusValues: m.status ? m.statusValues : null,
    inFlight: raw(inFlight),
    /** Finished rows: the ones the expiry timeline places. */
    finished: raw(finished),
    statePredicate(state: RecordState, c: RowClock): Sql {
      switch (state) {
        case 'processing':
          return processing(c);
        case 'stuck':
          return stuck(c);
        case 'completed':
        case 'failed':
          return sql`(${raw(is(state))} AND ${liveAt(c)})`;
        case 'expired':
          return expired(c);
        case 'unrecognized': {
          const [first, ...rest] = recognized(c);
          return sql`(NOT COALESCE(${rest.reduce((acc, p) => sql`${acc} OR ${p}`, first!)}, FALSE))`;
        }
      }
    },
    /** When a finished row expires: its expiry column, else processed time plus the retention. */
    expiryTime: (retentionHours: number): Sql =>
      expires
        ? sql`COALESCE(${raw(expires)}, ${raw(processed)} + ${`${retentionHours} hours`}::interval)`
        : sql`(${raw(processed)} + ${`${retentionHours} hours`}::interval)`,
    /** As the other profiles' purgeableCondition(): text on the database clock, for purge_window. */
    purgeableCondition(retentionHours: number): string {
      const cut = raw(`now() - make_interval(hours => ${wholeHours(retentionHours)})`);
      return `${finished} AND ${expiredAt(raw('now()'), cut).build().text}`;
    },
    /** What a release compares with its preview: every mapped column a service rewrites when it claims, renews, finishes or fails a row. */
    seenToken(alias: string): Sql {
      const epoch = (name: string | undefined) => (name ? `coalesce(extract(epoch FROM ${alias}.${col(name)})::text, '')` : `''`);
      const text = (name: string | undefined) => (name ? `coalesce(${alias}.${col(name)}::text, '')` : `''`);
      return raw(`md5(${[text(m.status), epoch(m.claimed), epoch(m.processed), epoch(m.lease), epoch(m.expires), text(m.result)].join(` || '|' || `)})`);
    },
  };
  return rules;
}

export type CustomRules = ReturnType<typeof customRules>;

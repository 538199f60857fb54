import type { WatchedTableConfig } from '../../config/env';
import { PostgresTables, type AdapterSettings } from './adapters';
import type { Count, CountLimits, RowCounts } from './counts';
import type { Db } from './db';
import { guarded as guard } from './guard';
import { deliveryBuckets, deliveryTotals, type DeliveryBucket, type DeliveryCounters, type DeliveryRange } from './deliveries';
import type { RowExpiry } from './expiry';
import { probePostgres, type PostgresProbe } from './health';
import type { ListRowsQuery, MessageRow, MessageRowWithResult, RowPage } from './messages';
import type { RowClock } from './rules';
import type { ResolvedTables, UnfitTable } from './tables';

export interface TableCounts extends RowCounts {
  table: string;
  profile: string;
  /** False when the profile's time column has no index: expired rows are then found by reading the table. */
  timeIndexed: boolean;
}

/** Counts over every watched table (the totals), each table's own, and the tables that fit no profile. */
export interface PostgresCounts extends RowCounts {
  tables: TableCounts[];
  unfit: UnfitTable[];
}

/** Everything the read side asks of PostgreSQL. */
export interface PostgresReadStore {
  probe(): Promise<PostgresProbe>;
  tables(): Promise<ResolvedTables>;
  counts(clock: RowClock, limits: CountLimits): Promise<PostgresCounts>;
  oldestStuck(clock: RowClock, limit: number): Promise<MessageRow[]>;
  /** One table's listing: `table` (`schema.table`) or the first watched. */
  list(query: ListRowsQuery & { table?: string }): Promise<RowPage>;
  /** The row of that id in `table`, or in the first watched table that has one. */
  get(messageId: string, table?: string): Promise<MessageRowWithResult | null>;
  deliveryBuckets(range: DeliveryRange, bucketSeconds: number, byConsumer: boolean): Promise<DeliveryBucket[]>;
  deliveryTotals(range: DeliveryRange): Promise<DeliveryCounters>;
  expiry(clock: RowClock, retentionHours: number, originMs: number, bucketSeconds: number, buckets: number): Promise<RowExpiry>;
}

export interface ReadStoreSettings {
  tables?: WatchedTableConfig[];
  stuckAfterSeconds: number;
  retentionHours: number;
}

const STATES = ['rows', 'processing', 'stuck', 'completed', 'failed', 'expired'] as const;

function sum(parts: RowCounts[]): RowCounts {
  const total = (key: (typeof STATES)[number]): Count => ({
    value: parts.reduce((n, p) => n + p[key].value, 0),
    estimated: parts.some((p) => p[key].estimated),
  });
  return Object.fromEntries(STATES.map((k) => [k, total(k)])) as unknown as RowCounts;
}

/** The read store over the dashboard's Prisma client (raw, parameterised SQL only), over every watched table. */
export function prismaReadStore(db: Db, settings: ReadStoreSettings, now: () => number = Date.now): PostgresReadStore {
  const guarded = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => guard(fn);
  const tables = new PostgresTables(db, settings.tables);
  const adapterSettings: AdapterSettings = { stuckAfterSeconds: settings.stuckAfterSeconds, retentionHours: settings.retentionHours, bulkLimit: 0 };
  const all = () => tables.adapters(adapterSettings, now);
  return {
    probe: guarded(async () => probePostgres(db, await tables.resolve())),
    tables: guarded(() => tables.resolve()),
    counts: guarded(async (clock: RowClock, limits: CountLimits) => {
      const [adapters, resolved] = await Promise.all([all(), tables.resolve()]);
      const each = await Promise.all(
        adapters.map(async (a) => ({ table: a.table.name, profile: a.table.profile, timeIndexed: a.table.timeIndexed, ...(await a.counts(clock, limits)) })),
      );
      return { ...sum(each), tables: each, unfit: resolved.unfit };
    }),
    oldestStuck: guarded(async (clock: RowClock, limit: number) => {
      const rows = (await Promise.all((await all()).map((a) => a.oldestStuck(clock, limit)))).flat();
      return rows.sort((a, b) => a.claimedAt.getTime() - b.claimedAt.getTime()).slice(0, limit);
    }),
    list: guarded(async (q: ListRowsQuery & { table?: string }) => (await tables.adapter(adapterSettings, now, q.table)).list(q)),
    get: guarded(async (messageId: string, table?: string) => {
      if (table !== undefined) return (await tables.adapter(adapterSettings, now, table)).get(messageId);
      // A record link or a lookup names no table: each table's primary key is asked, in configured order.
      for (const adapter of await all()) {
        const row = await adapter.get(messageId);
        if (row) return row;
      }
      return null;
    }),
    deliveryBuckets: guarded(async (range: DeliveryRange, bucketSeconds: number, byConsumer: boolean) => {
      const stats = (await tables.resolve()).watched.find((w) => w.stats)?.stats;
      return stats ? deliveryBuckets(db, stats, range, bucketSeconds, byConsumer) : [];
    }),
    deliveryTotals: guarded(async (range: DeliveryRange) => {
      const stats = (await tables.resolve()).watched.find((w) => w.stats)?.stats;
      return stats ? deliveryTotals(db, stats, range) : { deliveries: 0, duplicates: 0, failures: 0 };
    }),
    expiry: guarded(async (clock: RowClock, _retentionHours: number, originMs: number, bucketSeconds: number, buckets: number) => {
      const parts = await Promise.all((await all()).map((a) => a.expiry(clock, originMs, bucketSeconds, buckets)));
      return {
        buckets: Array.from({ length: buckets }, (_, i) => parts.reduce((n, p) => n + (p.buckets[i] ?? 0), 0)),
        estimated: parts.some((p) => p.estimated),
      };
    }),
  };
}

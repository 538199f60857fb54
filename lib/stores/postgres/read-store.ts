import type { Db } from './db';
import { guarded as guard } from './guard';
import { deliveryBuckets, deliveryTotals, type DeliveryBucket, type DeliveryCounters, type DeliveryRange } from './deliveries';
import { rowCounts, type CountLimits, type RowCounts } from './counts';
import { rowExpiry, type RowExpiry } from './expiry';
import { probePostgres, type PostgresProbe } from './health';
import { getRow, listRows, oldestStuckRows, type ListRowsQuery, type MessageRow, type MessageRowWithResult, type RowPage } from './messages';
import type { RowClock } from './rules';

/** Everything the read side asks of PostgreSQL. */
export interface PostgresReadStore {
  probe(): Promise<PostgresProbe>;
  counts(clock: RowClock, limits: CountLimits): Promise<RowCounts>;
  oldestStuck(clock: RowClock, limit: number): Promise<MessageRow[]>;
  list(query: ListRowsQuery): Promise<RowPage>;
  get(messageId: string): Promise<MessageRowWithResult | null>;
  deliveryBuckets(range: DeliveryRange, bucketSeconds: number, byConsumer: boolean): Promise<DeliveryBucket[]>;
  deliveryTotals(range: DeliveryRange): Promise<DeliveryCounters>;
  expiry(clock: RowClock, retentionHours: number, originMs: number, bucketSeconds: number, buckets: number): Promise<RowExpiry>;
}

/** The read store over the dashboard's Prisma client (raw, parameterised SQL only). */
export function prismaReadStore(db: Db): PostgresReadStore {
  const guarded = <A extends unknown[], R>(fn: (db: Db, ...args: A) => Promise<R>) => guard((...args: A) => fn(db, ...args));
  return {
    probe: guarded(probePostgres),
    counts: guarded(rowCounts),
    oldestStuck: guarded(oldestStuckRows),
    list: guarded(listRows),
    get: guarded(getRow),
    deliveryBuckets: guarded(deliveryBuckets),
    deliveryTotals: guarded(deliveryTotals),
    expiry: guarded(rowExpiry),
  };
}

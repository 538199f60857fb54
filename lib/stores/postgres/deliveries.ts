import { num, query, type Db } from './db';
import { raw, sql } from './sql';
import type { TableRef } from './tables';

export interface DeliveryCounters {
  deliveries: number;
  duplicates: number;
  failures: number;
}

export interface DeliveryBucket extends DeliveryCounters {
  /** Bucket start, epoch ms. */
  t: number;
  /** Set when grouped by consumer. */
  consumer: string | null;
}

export interface DeliveryRange {
  fromMs: number;
  toMs: number;
  consumer?: string;
}

// Rows the library writes for the Postgres store; summed over writer slots.
const STORE = raw(`store = 'postgres'`);

/**
 * delivery_stats summed into buckets of `bucketSeconds`, aligned on the Unix
 * epoch like the Redis hashes. Reads the primary key's range on bucket_start.
 */
export async function deliveryBuckets(db: Db, stats: TableRef, range: DeliveryRange, bucketSeconds: number, byConsumer: boolean): Promise<DeliveryBucket[]> {
  const consumer = range.consumer === undefined ? raw('') : sql` AND consumer = ${range.consumer}`;
  const group = raw(byConsumer ? 'consumer' : 'NULL::text');
  const rows = await query<{ t: Date; consumer: string | null; deliveries: bigint; duplicates: bigint; failures: bigint }>(
    db,
    sql`SELECT date_bin(${`${bucketSeconds} seconds`}::interval, bucket_start, TIMESTAMPTZ 'epoch') AS t, ${group} AS consumer,
          sum(deliveries) AS deliveries, sum(duplicates) AS duplicates, sum(failures) AS failures
        FROM ${stats.sql}
        WHERE ${STORE} AND bucket_start >= ${new Date(range.fromMs)} AND bucket_start < ${new Date(range.toMs)}${consumer}
        GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows.map((r) => ({
    t: r.t.getTime(),
    consumer: r.consumer,
    deliveries: num(r.deliveries),
    duplicates: num(r.duplicates),
    failures: num(r.failures),
  }));
}

export async function deliveryTotals(db: Db, stats: TableRef, range: DeliveryRange): Promise<DeliveryCounters> {
  const consumer = range.consumer === undefined ? raw('') : sql` AND consumer = ${range.consumer}`;
  const [row] = await query<{ deliveries: bigint | null; duplicates: bigint | null; failures: bigint | null }>(
    db,
    sql`SELECT sum(deliveries) AS deliveries, sum(duplicates) AS duplicates, sum(failures) AS failures
        FROM ${stats.sql}
        WHERE ${STORE} AND bucket_start >= ${new Date(range.fromMs)} AND bucket_start < ${new Date(range.toMs)}${consumer}`,
  );
  return { deliveries: num(row?.deliveries), duplicates: num(row?.duplicates), failures: num(row?.failures) };
}

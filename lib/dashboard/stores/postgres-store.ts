import { describeFailure, driverErrorKind, StoreUnavailableError } from '../../errors';
import type { Db } from './db';
import { deliveryBuckets, deliveryTotals, type DeliveryBucket, type DeliveryCounters, type DeliveryRange } from './postgres-deliveries';
import { rowCounts, type CountLimits, type RowCounts } from './postgres-counts';
import { rowExpiry, type RowExpiry } from './postgres-expiry';
import { probePostgres, type PostgresProbe } from './postgres-health';
import { getRow, listRows, oldestStuckRows, type ListRowsQuery, type MessageRow, type MessageRowWithResult, type RowPage } from './postgres-messages';
import type { RowClock } from './message-predicates';

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

// Failures that mean "cannot talk to the database" rather than a bad query.
const UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
const UNREACHABLE_TEXT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|timeout exceeded|Connection terminated|the database system is (starting up|shutting down)/i;

function unreachable(error: unknown): boolean {
  const kind = driverErrorKind(error);
  return (kind !== null && UNREACHABLE_KINDS.has(kind)) || UNREACHABLE_TEXT.test(describeFailure(error));
}

/** The read store over the dashboard's Prisma client (raw, parameterised SQL only). */
export function prismaReadStore(db: Db): PostgresReadStore {
  const guarded =
    <A extends unknown[], R>(fn: (db: Db, ...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(db, ...args);
      } catch (error) {
        if (unreachable(error)) throw new StoreUnavailableError('postgres', describeFailure(error), { cause: error });
        throw error;
      }
    };
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

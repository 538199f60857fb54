import type { StoreAvailability } from './availability';
import type { KeyspaceScanner } from '../scanner/scanner';
import type { DashboardConfig } from './config';
import type { Memo } from './memo';
import type { DeliveryCounterTracker } from './metrics/counter-tracker';
import type { PostgresReadStore } from '../stores/postgres/read-store';
import type { RedisReadStore } from '../stores/redis/read-store';

/** What every read-side service is given; tests build their own over their prefix and database. */
export interface DashboardDeps {
  config: DashboardConfig;
  redis: RedisReadStore;
  postgres: PostgresReadStore;
  scanner: KeyspaceScanner;
  /** Prometheus counters are monotonic per process; this keeps their running totals. */
  counters: DeliveryCounterTracker;
  /** Shares recent aggregates between requests (see DashboardConfig.aggregateCacheMs). */
  memo: Memo;
  /** Whether each store answered its last call, and since when not. */
  availability: StoreAvailability;
  now(): number;
}

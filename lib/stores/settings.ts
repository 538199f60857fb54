import type { Env, WatchedTableConfig } from '../config/env';
import type { KeyPattern } from '../records/key-patterns';

/** What the stores' actions depend on; passed in so tests can use their own prefix and limits. */
export interface StoreSettings {
  keyPatterns: KeyPattern[];
  statsPrefix: string;
  stuckAfterSeconds: number;
  plainLockTtlSeconds: number;
  nodeIdempotencyTtlSeconds?: number;
  retentionHours: number;
  bulkLimit: number;
  scanCount: number;
  purgeBatchSize: number;
  /** The Postgres tables watched (IDEMSCOPE_TABLES); default public.processed_messages. */
  tables?: WatchedTableConfig[];
  /** The library's slot groups on a Redis Cluster (IDEMSCOPE_CLUSTER_SLOT_GROUPS); default 16. */
  clusterSlotGroups?: number;
}

export function storeSettingsFrom(config: Env): StoreSettings {
  return {
    keyPatterns: config.IDEMSCOPE_KEY_PATTERNS,
    statsPrefix: config.IDEMSCOPE_STATS_PREFIX,
    stuckAfterSeconds: config.IDEMSCOPE_STUCK_AFTER_SECONDS,
    plainLockTtlSeconds: config.IDEMSCOPE_PLAIN_LOCK_TTL_SECONDS,
    nodeIdempotencyTtlSeconds: config.IDEMSCOPE_NODE_IDEMPOTENCY_TTL_SECONDS,
    retentionHours: config.IDEMSCOPE_RETENTION_HOURS,
    bulkLimit: config.IDEMSCOPE_BULK_LIMIT,
    scanCount: config.IDEMSCOPE_SCAN_COUNT,
    purgeBatchSize: config.IDEMSCOPE_PURGE_BATCH_SIZE,
    tables: config.IDEMSCOPE_TABLES,
    clusterSlotGroups: config.IDEMSCOPE_CLUSTER_SLOT_GROUPS,
  };
}

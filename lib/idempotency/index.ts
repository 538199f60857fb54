/**
 * Idemscope's processor library: runs each message's handler at most once per
 * idempotency key, on Redis or Postgres. Framework-free; usable by any Node service.
 */
export { idempotent, type IdempotentHandler, type Outcome, type Processed } from './idempotent';
export { DEFAULT_LEASE_MS, DEFAULT_RETENTION_SECONDS, type IdempotentOptions } from './options';
export {
  AlreadyInProgressError,
  IdempotencyError,
  InvalidIdempotencyKeyError,
  LeaseLostError,
  MissingIdempotencyKeyError,
  MissingMessageTimeError,
  PayloadMismatchError,
  StoreError,
  type IdempotencyErrorContext,
} from './errors';
export type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from './store';
export { RedisStore, type RedisStoreClient, type RedisStoreOptions } from './stores/redis-store';
export { PostgresStore, type PostgresStoreOptions, type PurgeOptions, type Queryable } from './stores/postgres-store';
export { partitionedPurgeableCondition, purgeableCondition } from './stores/postgres-expiry';
export { ensurePartitions, setupPostgresStore, type EnsurePartitionsOptions, type PostgresSetupOptions } from './stores/postgres-setup';
export { COMPARE_AND_DELETE, LuaScript, compareAndDelete, type ScriptCall, type ScriptClient } from './stores/lua-script';
export { fingerprint, stableJson } from './fingerprint';
export { IDEMSCOPE_UUID_NAMESPACE, isUuid, keyToUuid, uuidV7, uuidV7Time } from './uuid';
export { decodeRecord, encodeRecord, type CompletedRecord, type FailedRecord, type InFlightRecord, type LibraryRecord } from './record';

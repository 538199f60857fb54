/**
 * The JSON contract of the action routes (beside the read API's in
 * read.ts). Fields are only ever added.
 */
import type { RecordFormat, RecordState } from './vocabulary';

export type ActionStore = 'redis' | 'postgres';

/** Why a release left a target alone. */
export type ReleaseSkipReason = 'not-in-flight' | 'changed' | 'missing';

/** What a record looked like when it was previewed, for the operator and the audit log. */
export interface SeenState {
  format: RecordFormat;
  state: RecordState;
  consumer: string | null;
  owner: string | null;
  ageSeconds: number | null;
  /** Redis TTL; null when the key has none (or for Postgres). */
  ttlSeconds: number | null;
  startedAt: string | null;
  leaseExpiresAt: string | null;
  /** Size of the Redis value; null for Postgres rows. */
  bytes: number | null;
}

/**
 * One previewed target. `seen` is opaque: send it back unchanged with the
 * confirmation, and the action applies only if the record still is exactly
 * as previewed (Redis: SHA-1 of the value bytes; Postgres: digest of
 * owner_token, lease_expires_at and claimed_at).
 */
export interface PreviewItem {
  key: string;
  seen: string;
  state: SeenState;
}

export interface Skipped<R extends string = ReleaseSkipReason> {
  key: string;
  reason: R;
}

export interface ReleasePreview {
  dryRun: true;
  store: ActionStore;
  /** How many would be released: wouldRelease.length. */
  count: number;
  wouldRelease: PreviewItem[];
  /** Named targets that are not releasable right now. */
  skipped: Skipped[];
  /** More records matched `olderThanSeconds` than IDEMSCOPE_BULK_LIMIT; release these, then preview again. */
  more: boolean;
  /** Keys or rows looked at to build the preview. */
  examined: number;
  /** False when the bounded scan stopped before covering every key pattern. */
  complete: boolean;
  /** Redis bulk previews: where the candidates were found. */
  sources?: PreviewSources;
}

/**
 * Where a Redis bulk preview found its candidates: the library's in-flight
 * index for the patterns declared `=idemscope` (no scan), a bounded SCAN for
 * the others; null for a source not used.
 */
export interface PreviewSources {
  /** Members of the in-flight index read (their keys then read once each). */
  inFlightIndex: { members: number } | null;
  /** Keys the SCAN of the other patterns returned. */
  scan: { keys: number } | null;
  /** When the candidates were classified (ISO); the release re-checks each against its value then. */
  readAt: string;
}

export interface ReleaseResult {
  actionId: string;
  store: ActionStore;
  released: string[];
  skipped: Skipped[];
}

export type PurgeSkipReason = 'missing' | 'changed' | 'has-ttl';

export interface PurgeCandidate extends PreviewItem {
  /** no-expiry: a key without TTL; expired: a Powertools record past its own expiration. */
  why: 'no-expiry' | 'expired';
}

export interface RedisPurgePreview {
  dryRun: true;
  store: 'redis';
  count: number;
  wouldPurge: PurgeCandidate[];
  more: boolean;
  examined: number;
  complete: boolean;
  /** The TTL "apply TTL" sets: IDEMSCOPE_RETENTION_HOURS. */
  ttlSeconds: number;
}

export interface RedisPurgeResult {
  actionId: string;
  store: 'redis';
  mode: 'expire' | 'delete';
  /** Keys given a TTL (expire) or deleted (delete). */
  purged: string[];
  skipped: Skipped<PurgeSkipReason>[];
}

export interface PostgresPurgePreview {
  dryRun: true;
  store: 'postgres';
  /** The watched table it would purge, `schema.table`. */
  table: string;
  /** False when the table's time column has no index: counting and purging it reads the whole table (in bounded batches). */
  timeIndexed: boolean;
  wouldPurge: number;
  /** True when wouldPurge is a planner estimate (too many rows to count cheaply); label it so. */
  estimated: boolean;
  retentionHours: number;
  batchSize: number;
  /**
   * Of a range-partitioned table: the partitions entirely past retention that
   * the purge drops whole (rows: the catalog's estimate), and the ones at the
   * cut whose expired rows it deletes in batches.
   */
  partitions?: { drop: PartitionShare[]; batch: PartitionShare[] };
}

export interface PartitionShare {
  /** `schema.partition`. */
  name: string;
  rows: number;
}

/**
 * waiting: running, but paused by a store fault (a locked table, a lost
 * connection); it retries with backoff and carries on by itself, and `error`
 * says why it waits, in plain words.
 */
export type PurgeJobStatus = 'running' | 'waiting' | 'cancelled' | 'completed' | 'failed' | 'interrupted';

export interface PurgeJobView {
  jobId: string;
  store: 'postgres';
  /** The watched table it purges, `schema.table`. */
  table: string;
  /** interrupted: marked running, but its process stopped sending heartbeats; resume it. */
  status: PurgeJobStatus;
  actor: string;
  purged: number;
  batches: number;
  estimatedTotal: number | null;
  estimated: boolean;
  /** Share of the table the job has walked, 0 to 1: exact, unlike estimatedTotal. */
  scanned: number;
  cancelRequested: boolean;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface PostgresPurgeStarted {
  actionId: string;
  store: 'postgres';
  jobId: string;
  job: PurgeJobView;
  /** Of a partitioned table: the partitions dropped whole before the job started. */
  droppedPartitions?: PartitionShare[];
  /** How long detaching, checking again and dropping them took, in ms. */
  dropMs?: number;
}

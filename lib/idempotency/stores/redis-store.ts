import type { Redis } from 'ioredis';
import { decodeRecord, encodeRecord, type CompletedRecord } from '../record';
import { BUCKET_TTL_SECONDS, DEFAULT_STATS_PREFIX } from '../stats-keys';
import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../store';
import { CLAIM, COMPLETE, RELEASE } from './redis-scripts';

export interface RedisStoreOptions {
  /** Prepended to every idempotency key. Default `idempotency:`, the plain recipe's. */
  keyPrefix?: string;
  /** Prefix of the delivery-counter hashes (see stats-keys.ts). Default DEFAULT_STATS_PREFIX. */
  statsPrefix?: string;
  /**
   * How long an in-flight key outlives its lease, in ms. A crashed owner's
   * claim then stays visible (as stuck) until it is taken over or released,
   * instead of vanishing and letting the next delivery look like the first.
   * Default 3600000 (1 h).
   */
  inFlightGraceMs?: number;
}

/**
 * Store on a single Redis (or Sentinel-managed primary), Redis >= 7. Each step
 * is one script call. Not for Redis Cluster: the claim script also writes the
 * counter hashes, which live in other slots than the key.
 */
export class RedisStore implements IdempotencyStore {
  readonly name = 'redis';
  readonly keyPrefix: string;
  readonly statsPrefix: string;
  readonly inFlightGraceMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'idempotency:';
    this.statsPrefix = options.statsPrefix ?? DEFAULT_STATS_PREFIX;
    this.inFlightGraceMs = options.inFlightGraceMs ?? 3_600_000;
  }

  /** Redis keys are binary-safe, so any non-empty key is accepted as it is. */
  normaliseKey(key: string): string {
    return key;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const [outcome, value] = (await CLAIM.run(
      this.redis,
      [this.keyPrefix + request.key],
      [...this.countingArgs(request.consumer), request.owner, request.leaseMs, this.inFlightGraceMs, request.fingerprint ?? ''],
    )) as [string, string];
    const record = toStoredRecord(request.key, value);
    if (outcome !== 'first' && outcome !== 'takeover') return { existing: record };
    const claimed: Claim = {
      key: request.key,
      consumer: request.consumer,
      owner: request.owner,
      takeover: outcome === 'takeover',
      record,
      token: value,
    };
    return { claimed };
  }

  async complete(claim: Claim, result: unknown, retentionSeconds: number): Promise<boolean> {
    const completed: CompletedRecord = {
      fmt: 'idemscope',
      v: 1,
      status: 'completed',
      consumer: claim.consumer,
      startedAt: claim.record.startedAt ?? Date.now(),
      completedAt: Date.now(),
      result: result ?? null,
      ...(claim.record.fingerprint ? { fingerprint: claim.record.fingerprint } : {}),
    };
    const done = await COMPLETE.run(
      this.redis,
      [this.keyPrefix + claim.key],
      [claim.token, encodeRecord(completed), Math.round(retentionSeconds * 1000)],
    );
    return done === 1;
  }

  async release(claim: Claim): Promise<boolean> {
    const done = await RELEASE.run(this.redis, [this.keyPrefix + claim.key], [...this.countingArgs(claim.consumer), claim.token]);
    return done === 1;
  }

  async get(key: string): Promise<StoredRecord | null> {
    const value = await this.redis.get(this.keyPrefix + key);
    return value === null ? null : toStoredRecord(key, value);
  }

  private countingArgs(consumer: string): (string | number)[] {
    return [consumer, this.statsPrefix, BUCKET_TTL_SECONDS.m, BUCKET_TTL_SECONDS.h];
  }
}

/** Reads any value found under a key: a library record, the plain recipe's `processing` marker, or a plain result. */
export function toStoredRecord(key: string, value: string): StoredRecord {
  const record = decodeRecord(value);
  if (!record) {
    return value === 'processing'
      ? { key, status: 'processing', format: 'plain' }
      : { key, status: 'completed', format: 'plain', result: value };
  }
  const common = { key, format: 'idemscope' as const, consumer: record.consumer, startedAt: record.startedAt, fingerprint: record.fingerprint };
  return record.status === 'processing'
    ? { ...common, status: 'processing', owner: record.owner, leaseExpiresAt: record.leaseExpiresAt }
    : { ...common, status: 'completed', completedAt: record.completedAt, result: record.result };
}

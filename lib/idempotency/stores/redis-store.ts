import type { Redis } from 'ioredis';
import { decodeRecord, encodeRecord, type CompletedRecord } from '../record';
import { BUCKET_TTL_SECONDS, DEFAULT_STATS_PREFIX } from '../stats-keys';
import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../store';
import { ScriptPipeliner } from './lua-script';
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
  /**
   * Sends the claims and completions issued in the same tick as one pipeline.
   * Saves a socket write per call when many messages are in flight and costs
   * nothing when few are. Default true.
   */
  pipeline?: boolean;
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
  private readonly scripts: { run: ScriptPipeliner['run'] };

  constructor(
    private readonly redis: Redis,
    options: RedisStoreOptions = {},
  ) {
    this.scripts = options.pipeline === false ? { run: (script, keys, args) => script.run(redis, keys, args) } : new ScriptPipeliner(redis);
    this.keyPrefix = options.keyPrefix ?? 'idempotency:';
    this.statsPrefix = options.statsPrefix ?? DEFAULT_STATS_PREFIX;
    this.inFlightGraceMs = options.inFlightGraceMs ?? 3_600_000;
  }

  /** Redis keys are binary-safe, so any non-empty key is accepted as it is. */
  normaliseKey(key: string): string {
    return key;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const fingerprint = request.fingerprint ?? '';
    // Same member order as InFlightRecord, so that decodeRecord and the dashboard read it like any other.
    const head = `{"fmt":"idemscope","v":1,"status":"processing","owner":${JSON.stringify(request.owner)},"consumer":${JSON.stringify(request.consumer)}`;
    const tail = fingerprint ? `,"fingerprint":${JSON.stringify(fingerprint)}}` : '}';
    const [outcome, first, second] = (await this.scripts.run(
      CLAIM,
      [this.keyPrefix + request.key],
      [...this.countingArgs(request.consumer), head, tail, request.leaseMs, this.inFlightGraceMs, fingerprint],
    )) as [string, string, string?];
    if (outcome !== 'first' && outcome !== 'takeover') return { existing: toStoredRecord(request.key, first) };
    const record: StoredRecord = {
      key: request.key,
      status: 'processing',
      format: 'idemscope',
      consumer: request.consumer,
      owner: request.owner,
      startedAt: Number(first),
      leaseExpiresAt: Number(second),
      ...(fingerprint ? { fingerprint } : {}),
    };
    const token = `${head},"startedAt":${first},"leaseExpiresAt":${second}${tail}`;
    return { claimed: { key: request.key, consumer: request.consumer, owner: request.owner, takeover: outcome === 'takeover', record, token } };
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
    const done = await this.scripts.run(
      COMPLETE,
      [this.keyPrefix + claim.key],
      [claim.token, encodeRecord(completed), Math.round(retentionSeconds * 1000)],
    );
    return done === 1;
  }

  async release(claim: Claim): Promise<boolean> {
    const done = await this.scripts.run(RELEASE, [this.keyPrefix + claim.key], [...this.countingArgs(claim.consumer), claim.token]);
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

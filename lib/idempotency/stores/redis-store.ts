import { decodeRecord, encodeRecord, type CompletedRecord } from '../record';
import { BUCKET_TTL_SECONDS, DEFAULT_STATS_PREFIX } from '../stats-keys';
import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../store';
import { Batcher } from './batcher';
import type { ScriptClient } from './lua-script';
import { CLAIM, COMPLETE, RELEASE } from './redis-scripts';

/**
 * What the store needs from a node-redis client (`createClient()` from
 * `redis`, connected, with the default string replies). Structural, so that a
 * client pool fits too and the library does not import the driver.
 */
export interface RedisStoreClient extends ScriptClient {
  get(key: string): Promise<string | null>;
}

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
   * Most claims (or completions) one script call carries. Messages in flight
   * at the same time share a call, and their counters one increment per field,
   * which costs the server far less than a script call each. Each key is still
   * claimed atomically. 1 turns this off. Default 64.
   */
  maxBatchSize?: number;
  /** Most claim calls, and most completion calls, outstanding at once; the rest queue into the next. Default 2. */
  maxConcurrentBatches?: number;
}

interface CompleteInput {
  claim: Claim;
  completedJson: string;
  retentionMs: number;
}

type ClaimReply = [outcome: string, first: string, second?: string];

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
  private readonly claims: Batcher<ClaimRequest, ClaimReply>;
  private readonly completions: Batcher<CompleteInput, boolean>;

  constructor(
    private readonly redis: RedisStoreClient,
    options: RedisStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'idempotency:';
    this.statsPrefix = options.statsPrefix ?? DEFAULT_STATS_PREFIX;
    this.inFlightGraceMs = options.inFlightGraceMs ?? 3_600_000;
    const batching = { maxSize: options.maxBatchSize ?? 64, maxConcurrent: options.maxConcurrentBatches ?? 2 };
    this.claims = new Batcher((requests) => this.claimBatch(requests), batching);
    this.completions = new Batcher((inputs) => this.completeBatch(inputs), batching);
  }

  /** Redis keys are binary-safe, so any non-empty key is accepted as it is. */
  normaliseKey(key: string): string {
    return key;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const [outcome, first, second] = await this.claims.submit(request);
    if (outcome !== 'first' && outcome !== 'takeover') return { existing: toStoredRecord(request.key, first) };
    const fingerprint = request.fingerprint;
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
    const [head, tail] = inFlightJson(request);
    const token = `${head},"startedAt":${first},"leaseExpiresAt":${second}${tail}`;
    return { claimed: { key: request.key, consumer: request.consumer, owner: request.owner, takeover: outcome === 'takeover', record, token } };
  }

  complete(claim: Claim, result: unknown, retentionSeconds: number): Promise<boolean> {
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
    return this.completions.submit({ claim, completedJson: encodeRecord(completed), retentionMs: Math.round(retentionSeconds * 1000) });
  }

  async release(claim: Claim): Promise<boolean> {
    const [head, tail] = failedJson(claim);
    const done = await RELEASE.run(this.redis, [this.keyPrefix + claim.key], [...this.sharedArgs(), claim.consumer, claim.token, head, tail]);
    return done === 1;
  }

  async get(key: string): Promise<StoredRecord | null> {
    const value = await this.redis.get(this.keyPrefix + key);
    return value === null ? null : toStoredRecord(key, value);
  }

  private async claimBatch(requests: ClaimRequest[]): Promise<ClaimReply[]> {
    const args = [...this.sharedArgs(), String(this.inFlightGraceMs)];
    for (const request of requests) {
      const [head, tail] = inFlightJson(request);
      args.push(request.consumer, head, tail, String(Math.round(request.leaseMs)), request.fingerprint ?? '');
    }
    return (await CLAIM.run(
      this.redis,
      requests.map((r) => this.keyPrefix + r.key),
      args,
    )) as ClaimReply[];
  }

  private async completeBatch(inputs: CompleteInput[]): Promise<boolean[]> {
    const args = inputs.flatMap((i) => [i.claim.token, i.completedJson, String(i.retentionMs)]);
    const replies = (await COMPLETE.run(
      this.redis,
      inputs.map((i) => this.keyPrefix + i.claim.key),
      args,
    )) as number[];
    return replies.map((reply) => reply === 1);
  }

  private sharedArgs(): string[] {
    return [this.statsPrefix, String(BUCKET_TTL_SECONDS.m), String(BUCKET_TTL_SECONDS.h)];
  }
}

/** The in-flight value around the two times the script fills in, in InFlightRecord's member order. */
function inFlightJson(request: ClaimRequest): [head: string, tail: string] {
  const head = `{"fmt":"idemscope","v":1,"status":"processing","owner":${JSON.stringify(request.owner)},"consumer":${JSON.stringify(request.consumer)}`;
  const tail = request.fingerprint ? `,"fingerprint":${JSON.stringify(request.fingerprint)}}` : '}';
  return [head, tail];
}

/** The failed record around the failedAt the script fills in, in FailedRecord's member order. */
function failedJson(claim: Claim): [head: string, tail: string] {
  const head = `{"fmt":"idemscope","v":1,"status":"failed","consumer":${JSON.stringify(claim.consumer)},"startedAt":${claim.record.startedAt ?? 0}`;
  const tail = claim.record.fingerprint ? `,"fingerprint":${JSON.stringify(claim.record.fingerprint)}}` : '}';
  return [head, tail];
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
  switch (record.status) {
    case 'processing':
      return { ...common, status: 'processing', owner: record.owner, leaseExpiresAt: record.leaseExpiresAt };
    case 'completed':
      return { ...common, status: 'completed', completedAt: record.completedAt, result: record.result };
    case 'failed':
      return { ...common, status: 'failed', failedAt: record.failedAt };
  }
}

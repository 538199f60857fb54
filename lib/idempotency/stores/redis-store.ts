import { decodeRecord, encodeRecord, type CompletedRecord } from '../record';
import { BUCKET_TTL_SECONDS, DEFAULT_STATS_PREFIX, inFlightIndexKey } from '../stats-keys';
import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../store';
import { Batcher } from './batcher';
import { IndexPruner } from './index-pruner';
import type { ScriptClient } from './lua-script';
import { CLAIM, CLAIMED_TAKEOVER, COMPLETE, INDEX_PAGE, IN_FLIGHT_HEAD, PRUNE, RELEASE } from './redis-scripts';

/**
 * What the store needs from a node-redis client (`createClient()` from
 * `redis`, connected, with the default string replies). Structural, so that
 * the library does not import the driver and a cluster client's type fits as
 * well (the scripts themselves are not cluster-safe yet, see RedisStore).
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
  /**
   * Least time between two pruning steps of the in-flight index (see
   * IndexPruner), which claims drive. Default 60000 (1 min).
   */
  indexPruneIntervalMs?: number;
  /** Most index members one pruning step checks. Default 100. */
  indexPruneBatch?: number;
}

interface CompleteInput {
  claim: Claim;
  completedJson: string;
  retentionMs: number;
}

/** A claim on its way to the script, with the JSON pieces of its in-flight value. */
interface ClaimInput {
  request: ClaimRequest;
  ownerJson: string;
  consumerJson: string;
  fingerprintMember: string;
  leaseMs: number;
}

/** The server's time of the batch, and CLAIMED_FIRST, CLAIMED_TAKEOVER or the value found. */
interface ClaimAnswer {
  now: number;
  outcome: number | string;
}

/**
 * Store on a single Redis (or Sentinel-managed primary), Redis >= 7. Each step
 * is one script call. Not for Redis Cluster: the claim script also writes the
 * counter hashes, which live in other slots than the key.
 *
 * Claims in flight are also kept in a sorted set (inFlightIndex), written by
 * the same script as the claim, the result, the failure and (in the
 * dashboard) the release, so that stuck claims can be listed without a SCAN.
 */
export class RedisStore implements IdempotencyStore {
  readonly name = 'redis';
  readonly keyPrefix: string;
  readonly statsPrefix: string;
  readonly inFlightGraceMs: number;
  /** The sorted set of this store's claims in flight (stats-keys.ts inFlightIndexKey). */
  readonly inFlightIndex: string;
  private readonly pruner: IndexPruner;
  private readonly claims: Batcher<ClaimInput, ClaimAnswer>;
  private readonly completions: Batcher<CompleteInput, boolean>;

  constructor(
    private readonly redis: RedisStoreClient,
    options: RedisStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'idempotency:';
    this.statsPrefix = options.statsPrefix ?? DEFAULT_STATS_PREFIX;
    this.inFlightGraceMs = options.inFlightGraceMs ?? 3_600_000;
    this.inFlightIndex = inFlightIndexKey(this.statsPrefix);
    this.pruner = new IndexPruner(
      {
        page: async (start, count) => (await INDEX_PAGE.run(this.redis, [this.inFlightIndex], [String(start), String(count)])) as string[],
        prune: async (members) => Number(await PRUNE.run(this.redis, [this.inFlightIndex, ...members], [])),
      },
      { intervalMs: options.indexPruneIntervalMs ?? 60_000, batch: options.indexPruneBatch ?? 100 },
    );
    const batching = { maxSize: options.maxBatchSize ?? 64, maxConcurrent: options.maxConcurrentBatches ?? 2 };
    this.claims = new Batcher((requests) => this.claimBatch(requests), batching);
    this.completions = new Batcher((inputs) => this.completeBatch(inputs), batching);
  }

  /** Redis keys are binary-safe, so any non-empty key is accepted as it is. */
  normaliseKey(key: string): string {
    return key;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const input: ClaimInput = {
      request,
      ownerJson: JSON.stringify(request.owner),
      consumerJson: JSON.stringify(request.consumer),
      fingerprintMember: fingerprintMember(request.fingerprint),
      leaseMs: Math.round(request.leaseMs),
    };
    const { now, outcome } = await this.claims.submit(input);
    if (typeof outcome === 'string') return { existing: toStoredRecord(request.key, outcome) };
    const fingerprint = request.fingerprint;
    const leaseExpiresAt = now + input.leaseMs;
    const record: StoredRecord = {
      key: request.key,
      status: 'processing',
      format: 'idemscope',
      consumer: request.consumer,
      owner: request.owner,
      startedAt: now,
      leaseExpiresAt,
      ...(fingerprint ? { fingerprint } : {}),
    };
    // The value the script wrote, byte for byte: RELEASE compares against it.
    const token = `${IN_FLIGHT_HEAD}${input.ownerJson},"consumer":${input.consumerJson},"startedAt":${now},"leaseExpiresAt":${leaseExpiresAt}${input.fingerprintMember}}`;
    return {
      claimed: { key: request.key, consumer: request.consumer, owner: request.owner, takeover: outcome === CLAIMED_TAKEOVER, record, token },
    };
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
    const done = await RELEASE.run(
      this.redis,
      [this.inFlightIndex, this.keyPrefix + claim.key],
      [
        ...this.sharedArgs(),
        claim.consumer,
        claim.token,
        JSON.stringify(claim.consumer),
        String(claim.record.startedAt ?? 0),
        fingerprintMember(claim.record.fingerprint),
      ],
    );
    return done === 1;
  }

  /**
   * One pruning step of the in-flight index now: takes out members whose key
   * has gone or is no longer in flight, among the next page of them. Returns how many.
   */
  pruneInFlightIndex(): Promise<number> {
    return this.pruner.step();
  }

  async get(key: string): Promise<StoredRecord | null> {
    const value = await this.redis.get(this.keyPrefix + key);
    return value === null ? null : toStoredRecord(key, value);
  }

  private async claimBatch(inputs: ClaimInput[]): Promise<ClaimAnswer[]> {
    const consumers = new BatchConsumers();
    const perKey: string[] = [];
    const keys: string[] = [];
    for (const { request, ownerJson, consumerJson, fingerprintMember, leaseMs } of inputs) {
      keys.push(this.keyPrefix + request.key);
      perKey.push(ownerJson, consumers.index(request.consumer, consumerJson), String(leaseMs), request.fingerprint ?? '', fingerprintMember);
    }
    const args = [...this.sharedArgs(), String(this.inFlightGraceMs), ...consumers.args(), ...perKey];
    const [now, ...outcomes] = (await CLAIM.run(this.redis, [this.inFlightIndex, ...keys], args)) as [number, ...(number | string)[]];
    this.pruner.maybeStep();
    return outcomes.map((outcome) => ({ now, outcome }));
  }

  private async completeBatch(inputs: CompleteInput[]): Promise<boolean[]> {
    const keys = inputs.map((i) => this.keyPrefix + i.claim.key);
    const args = inputs.flatMap((i) => [i.claim.token, i.completedJson, String(i.retentionMs)]);
    const replies = (await COMPLETE.run(this.redis, [this.inFlightIndex, ...keys], args)) as number[];
    return replies.map((reply) => reply === 1);
  }

  private sharedArgs(): string[] {
    return [this.statsPrefix, String(BUCKET_TTL_SECONDS.m), String(BUCKET_TTL_SECONDS.h)];
  }
}

/** The fingerprint member of a record, or nothing when the caller did not ask for payload checking. */
function fingerprintMember(fingerprint: string | undefined): string {
  return fingerprint ? `,"fingerprint":${JSON.stringify(fingerprint)}` : '';
}

/** The distinct consumers of a batch, which the scripts take once each and refer to by 1-based index. */
class BatchConsumers {
  private readonly positions = new Map<string, string>();
  private readonly names: string[] = [];
  private readonly jsons: string[] = [];

  index(consumer: string, json: string): string {
    let position = this.positions.get(consumer);
    if (position === undefined) {
      this.names.push(consumer);
      this.jsons.push(json);
      position = String(this.names.length);
      this.positions.set(consumer, position);
    }
    return position;
  }

  args(): string[] {
    return [String(this.names.length), ...this.names, ...this.jsons];
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
  switch (record.status) {
    case 'processing':
      return { ...common, status: 'processing', owner: record.owner, leaseExpiresAt: record.leaseExpiresAt };
    case 'completed':
      return { ...common, status: 'completed', completedAt: record.completedAt, result: record.result };
    case 'failed':
      return { ...common, status: 'failed', failedAt: record.failedAt };
  }
}

import { decodeRecord, encodeCompleted } from '../record';
import { BUCKET_TTL_SECONDS, DEFAULT_STATS_PREFIX, bucketStart, inFlightIndexKey } from '../stats-keys';
import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../store';
import { Batcher } from './batcher';
import { IndexPruner } from './index-pruner';
import type { ScriptClient } from './lua-script';
import { clusterLayout, companionKey, singleNodeLayout, taggedStatsKey, type RedisLayout } from './redis-layout';
import { CLAIM, CLAIMED_TAKEOVER, COMPLETE, INDEX_PAGE, PRUNE, RELEASE } from './redis-scripts';

/**
 * What the store needs from a node-redis client (`createClient()` from
 * `redis`, connected, with the default string replies). Structural, so that
 * the library does not import the driver and a cluster client's
 * (`createCluster()`) fits as well; on a cluster, set the `cluster` option.
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
   * Least time between two pruning steps of an in-flight index (see
   * IndexPruner), which claims drive. Default 60000 (1 min). On a cluster
   * each slot group's index has its own pruner and pace.
   */
  indexPruneIntervalMs?: number;
  /** Most index members one pruning step checks. Default 100. */
  indexPruneBatch?: number;
  /**
   * The client is a Redis Cluster client. Record keys then carry a hash tag of
   * one of `slotGroups` groups (`<prefix>{g3.x}<key>`, see redis-layout.ts),
   * and every script call touches the keys of one group only. Default false.
   */
  cluster?: boolean | { slotGroups?: number };
}

interface CompleteInput {
  claim: Claim;
  completedJson: string;
  retentionMs: string;
}

/** A claim on its way to the script, with the JSON pieces of its in-flight value. */
interface ClaimInput {
  request: ClaimRequest;
  ownerJson: string;
  consumerJson: string;
  fingerprintMember: string;
  leaseMs: number;
  leaseText: string;
}

/** The server's time of the batch, and CLAIMED_FIRST, CLAIMED_TAKEOVER or the value found. */
interface ClaimAnswer {
  now: number;
  outcome: number | string;
}

/**
 * Store on a single Redis (or Sentinel-managed primary) or a Redis Cluster,
 * Redis >= 7. Each step is one script call per slot group of the batch; the
 * claim script also writes the counter hashes, which on a cluster carry the
 * group's hash tag (see redis-layout.ts).
 *
 * Claims in flight are also kept in a sorted set (the in-flight index),
 * written by the same script as the claim, the result, the failure and (in
 * the dashboard) the release, so that stuck claims can be listed without a
 * SCAN. On a single node there is one, `inFlightIndexKey(statsPrefix)`; on a
 * cluster one per slot group, tagged like the group's records
 * (`companionKey(inFlightIndexKey(statsPrefix), tag)`), so that each script
 * call still touches one slot.
 */
export class RedisStore implements IdempotencyStore {
  readonly name = 'redis';
  readonly keyPrefix: string;
  readonly statsPrefix: string;
  readonly inFlightGraceMs: number;
  readonly layout: RedisLayout;
  /**
   * The sorted sets of this store's claims in flight, one per tag of the
   * layout (one untagged set on a single node), in the layout's tag order.
   */
  readonly inFlightIndexes: readonly string[];
  private readonly pruners = new Map<string, IndexPruner>();
  /** Per tag (one master each), the server's clock minus ours, learned from every counting reply. */
  private readonly clockOffsets = new Map<string, number>();
  private readonly claims: Batcher<ClaimInput, ClaimAnswer>;
  private readonly completions: Batcher<CompleteInput, boolean>;
  private readonly consumerJsons = new Map<string, string>();

  constructor(
    private readonly redis: RedisStoreClient,
    options: RedisStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'idempotency:';
    this.statsPrefix = options.statsPrefix ?? DEFAULT_STATS_PREFIX;
    this.inFlightGraceMs = options.inFlightGraceMs ?? 3_600_000;
    const cluster = options.cluster;
    this.layout = cluster
      ? clusterLayout(this.keyPrefix, typeof cluster === 'object' ? cluster.slotGroups : undefined)
      : singleNodeLayout(this.keyPrefix);
    this.inFlightIndexes = this.layout.tags.map((tag) => this.inFlightIndexOf(tag));
    const pruning = { intervalMs: options.indexPruneIntervalMs ?? 60_000, batch: options.indexPruneBatch ?? 100 };
    for (const tag of this.layout.tags) {
      const index = this.inFlightIndexOf(tag);
      this.pruners.set(
        tag,
        new IndexPruner(
          {
            page: async (start, count) => (await INDEX_PAGE.run(this.redis, [index], [String(start), String(count)])) as string[],
            prune: async (members) => Number(await PRUNE.run(this.redis, [index, ...members], [])),
          },
          pruning,
        ),
      );
    }
    const batching = { maxSize: options.maxBatchSize ?? 64, maxConcurrent: options.maxConcurrentBatches ?? 2 };
    this.claims = new Batcher((requests) => this.claimBatch(requests), batching);
    this.completions = new Batcher((inputs) => this.completeBatch(inputs), batching);
  }

  /** Redis keys are binary-safe, so any non-empty key is accepted as it is. */
  normaliseKey(key: string): string {
    return key;
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const leaseMs = Math.round(request.leaseMs);
    const input: ClaimInput = {
      request,
      ownerJson: jsonString(request.owner),
      consumerJson: this.consumerJson(request.consumer),
      fingerprintMember: fingerprintMember(request.fingerprint),
      leaseMs,
      leaseText: String(leaseMs),
    };
    const { now, outcome } = await this.claims.submit(input);
    if (typeof outcome === 'string') return { existing: toStoredRecord(request.key, outcome) };
    const record: StoredRecord = {
      key: request.key,
      status: 'processing',
      format: 'idemscope',
      consumer: request.consumer,
      owner: request.owner,
      startedAt: now,
      leaseExpiresAt: now + leaseMs,
    };
    if (request.fingerprint) record.fingerprint = request.fingerprint;
    // COMPLETE and RELEASE find the claim by its owner, which is unique per delivery, at the owner's place in the value.
    return {
      claimed: { key: request.key, consumer: request.consumer, owner: request.owner, takeover: outcome === CLAIMED_TAKEOVER, record, token: input.ownerJson },
    };
  }

  complete(claim: Claim, result: unknown, retentionSeconds: number): Promise<boolean> {
    const completedJson = encodeCompleted(
      this.consumerJson(claim.consumer),
      claim.record.startedAt ?? Date.now(),
      Date.now(),
      result,
      fingerprintMember(claim.record.fingerprint),
    );
    return this.completions.submit({ claim, completedJson, retentionMs: String(Math.round(retentionSeconds * 1000)) });
  }

  /** A consumer's name as JSON, kept for the few consumers a store serves (the last 64). */
  private consumerJson(consumer: string): string {
    let json = this.consumerJsons.get(consumer);
    if (json === undefined) {
      if (this.consumerJsons.size >= 64) this.consumerJsons.clear();
      json = JSON.stringify(consumer);
      this.consumerJsons.set(consumer, json);
    }
    return json;
  }

  /** The in-flight index on a single node (its only one); on a cluster use inFlightIndexes or inFlightIndexOf. */
  get inFlightIndex(): string {
    if (this.layout.cluster) throw new Error('a cluster store has one in-flight index per slot group: use inFlightIndexes');
    return this.inFlightIndexes[0]!;
  }

  /** The in-flight index holding the claims of records with hash tag `tag` ('' on a single node). */
  inFlightIndexOf(tag: string): string {
    return companionKey(inFlightIndexKey(this.statsPrefix), tag);
  }

  async release(claim: Claim): Promise<boolean> {
    const tag = this.layout.tagOf(claim.key);
    const [, done] = await this.counting(tag, (counterKeys, shared) =>
      RELEASE.run(
        this.redis,
        [...counterKeys, this.inFlightIndexOf(tag), this.layout.recordKey(claim.key)],
        [
          ...shared,
          claim.consumer,
          claim.token,
          JSON.stringify(claim.consumer),
          String(claim.record.startedAt ?? 0),
          fingerprintMember(claim.record.fingerprint),
        ],
      ),
    );
    return done === 1;
  }

  /**
   * One pruning step of the in-flight index now (on a cluster, of every slot
   * group's, in parallel): takes out members whose key has gone or is no
   * longer in flight, among the next page of them. Returns how many.
   */
  async pruneInFlightIndex(): Promise<number> {
    const removed = await Promise.all([...this.pruners.values()].map((pruner) => pruner.step()));
    return removed.reduce((sum, n) => sum + n, 0);
  }

  async get(key: string): Promise<StoredRecord | null> {
    const value = await this.redis.get(this.layout.recordKey(key));
    return value === null ? null : toStoredRecord(key, value);
  }

  /** The Redis key holding a message key's record (with its hash tag on a cluster). */
  recordKey(key: string): string {
    return this.layout.recordKey(key);
  }

  private async claimBatch(inputs: ClaimInput[]): Promise<ClaimAnswer[]> {
    const answers: ClaimAnswer[] = new Array(inputs.length);
    await Promise.all(
      [...this.byTag(inputs, (i) => i.request.key)].map(async ([tag, positions]) => {
        const consumers = new BatchConsumers();
        const perKey: string[] = [];
        const keys: string[] = [];
        for (const position of positions) {
          const { request, ownerJson, consumerJson, fingerprintMember, leaseText } = inputs[position]!;
          keys.push(this.layout.recordKey(request.key));
          perKey.push(ownerJson, consumers.index(request.consumer, consumerJson), leaseText, request.fingerprint ?? '', fingerprintMember);
        }
        const [now, ...outcomes] = (await this.counting(tag, (counterKeys, shared) =>
          CLAIM.run(
            this.redis,
            [...counterKeys, this.inFlightIndexOf(tag), ...keys],
            [...shared, String(this.inFlightGraceMs), ...consumers.args(), ...perKey],
          ),
        )) as [number, ...(number | string)[]];
        this.pruners.get(tag)?.maybeStep();
        positions.forEach((position, i) => (answers[position] = { now, outcome: outcomes[i]! }));
      }),
    );
    return answers;
  }

  private async completeBatch(inputs: CompleteInput[]): Promise<boolean[]> {
    const done: boolean[] = new Array(inputs.length);
    await Promise.all(
      [...this.byTag(inputs, (i) => i.claim.key)].map(async ([tag, positions]) => {
        const keys = [this.inFlightIndexOf(tag)];
        const args: string[] = [];
        for (const position of positions) {
          const { claim, completedJson, retentionMs } = inputs[position]!;
          keys.push(this.layout.recordKey(claim.key));
          args.push(claim.token, completedJson, retentionMs);
        }
        const replies = (await COMPLETE.run(this.redis, keys, args)) as number[];
        positions.forEach((position, i) => (done[position] = replies[i] === 1));
      }),
    );
    return done;
  }

  /** Positions of a batch's inputs per hash tag: one script call each (one on a single node). */
  private byTag<T>(inputs: T[], keyOf: (input: T) => string): Map<string, number[]> {
    const groups = new Map<string, number[]>();
    inputs.forEach((input, position) => {
      const tag = this.layout.tagOf(keyOf(input));
      const positions = groups.get(tag);
      if (positions) positions.push(position);
      else groups.set(tag, [position]);
    });
    return groups;
  }

  /**
   * Runs a counting script with the counter hashes of the server's current
   * minute, as estimated from earlier replies, and again with the server's
   * own when the estimate was wrong (the script wrote nothing then).
   */
  private async counting(tag: string, call: (counterKeys: string[], sharedArgs: string[]) => Promise<unknown>): Promise<unknown[]> {
    for (let attempt = 0; attempt < STALE_BUCKET_ATTEMPTS; attempt++) {
      const sentAt = Date.now();
      const serverNow = sentAt + (this.clockOffsets.get(tag) ?? 0);
      const minute = bucketStart(serverNow, 'm');
      const counterKeys = [
        taggedStatsKey(this.statsPrefix, 'm', minute, tag),
        taggedStatsKey(this.statsPrefix, 'h', bucketStart(serverNow, 'h'), tag),
      ];
      const reply = (await call(counterKeys, [String(minute), String(BUCKET_TTL_SECONDS.m), String(BUCKET_TTL_SECONDS.h)])) as unknown[];
      this.clockOffsets.set(tag, Number(reply[0]) - (sentAt + Date.now()) / 2);
      if (reply.length > 1) return reply;
    }
    throw new Error(`the counter bucket did not match the Redis server's clock in ${STALE_BUCKET_ATTEMPTS} attempts`);
  }
}

/** A stale estimate is corrected by the reply it gets; more than a few misses means a clock jumping around. */
const STALE_BUCKET_ATTEMPTS = 4;

/** JSON of a string; the owners idempotent() makes (UUIDs) need no escaping, so they skip JSON.stringify. */
function jsonString(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

const PLAIN = /^[\w.:-]*$/;

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

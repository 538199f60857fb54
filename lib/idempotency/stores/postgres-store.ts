import { createHash } from 'node:crypto';
import { InvalidIdempotencyKeyError, MissingMessageTimeError } from '../errors';
import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../store';
import { DEFAULT_RETENTION_SECONDS } from '../options';
import { isUuid, uuidV7Time } from '../uuid';
import { Batcher } from './batcher';
import { claimSql, completeSql, getSql, purgeSql, releaseSql, type StoreTables } from './postgres-sql';
import { qualifiedName } from './postgres-names';

/**
 * Anything that runs a parameterised statement: a pg Pool, Client or
 * PoolClient. With `prepare` on, it must also take pg's `{ name, text, values }`.
 */
export interface Queryable {
  query(text: string | NamedStatement, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

interface NamedStatement {
  name: string;
  text: string;
  values: unknown[];
}

export interface PurgeOptions {
  /** Rows deleted per call. Default 1000. */
  limit?: number;
  /**
   * How long a row without expires_at (a failed or released claim) is kept
   * after processed_at, in whole hours: the dashboard's IDEMSCOPE_RETENTION_HOURS.
   * Default 24, the library's default retention.
   */
  retentionHours?: number;
}

export interface PostgresStoreOptions {
  /**
   * Runs the store's statements as named prepared statements, parsed and
   * planned once per connection instead of on every call (two to three times
   * the claims per second when the server is CPU-bound). Turn off for clients that only take
   * `query(text, values)`, or behind a pooler in transaction mode. Default true.
   */
  prepare?: boolean;
  /**
   * Whether completing (and releasing) a claim waits for its commit to reach
   * disk. Claims always do: a lost claim could let two deliveries run at once.
   * A completion lost in a Postgres or OS crash (the last ~0.6 s, three
   * wal_writer_delay) leaves the row in flight; after its lease a redelivery
   * runs the handler again, the same outcome as a consumer dying between its
   * side effect and the completion, which no store can rule out. Off saves one
   * fsync wait per batch, for services that accept that window. Default true:
   * a stored result is never silently lost.
   */
  durableCompletion?: boolean;
  /**
   * Most claims (or completions) sent together in one statement. Messages in
   * flight at the same time share a statement, its round trip and its commit,
   * which costs far less per message than a statement each. 1 turns this off.
   * Default 64.
   */
  maxBatchSize?: number;
  /**
   * Most claim statements, and most completion statements, running at once;
   * requests queue meanwhile and go out as the next batch. Keep it at most half
   * the pool's size, so that both kinds find a connection. Default 4.
   */
  maxConcurrentBatches?: number;
  /**
   * The table the store keeps its rows in, `table` or `schema.table`, set up
   * by setupPostgresStore(). Default `processed_messages` (on the search path).
   */
  table?: string;
  /** The delivery counters' table, or null to keep no counters. Default `delivery_stats`. */
  statsTable?: string | null;
  /**
   * The time column of a table range-partitioned by it, as setupPostgresStore({ partitionedBy })
   * makes it (primary key `(message_id, column)`). Each claim then needs the
   * message's time, the same on every redelivery: the `messageTime` option of
   * idempotent(), or the time of a UUIDv7 key. Default: not partitioned.
   */
  partitionedBy?: string;
}

interface CompleteInput {
  claim: Claim;
  result: unknown;
  retentionSeconds: number;
}

// Deadlocks are retried: the whole statement was rolled back, so running it again is safe.
const DEADLOCK_DETECTED = '40P01';
const ATTEMPTS = 3;

interface Row {
  message_id: string;
  status: 'processing' | 'completed' | 'failed';
  consumer: string;
  owner_token: string | null;
  claimed_at: Date;
  processed_at: Date;
  lease_expires_at: Date | null;
  result: unknown;
  fingerprint: string | null;
  delivery_count: number;
  inserted?: boolean;
}

/**
 * Store on the processed_messages table (see setupPostgresStore). Keys are the
 * message_id uuid column: use keyToUuid() for business keys. The caller owns
 * the pool; autocommit statements only, so it must not be inside a transaction.
 */
export class PostgresStore implements IdempotencyStore {
  readonly name = 'postgres';

  private readonly prepare: boolean;
  private readonly claimText: string;
  private readonly completeText: string;
  private readonly releaseText: string;
  private readonly getText: string;
  private readonly tables: StoreTables;
  private readonly partitioned: boolean;
  private readonly claims: Batcher<ClaimRequest, Row>;
  private readonly completions: Batcher<CompleteInput, boolean>;

  constructor(
    private readonly db: Queryable,
    options: PostgresStoreOptions = {},
  ) {
    this.prepare = options.prepare ?? true;
    const statsTable = options.statsTable === undefined ? 'delivery_stats' : options.statsTable;
    const tables: StoreTables = {
      table: qualifiedName(options.table ?? 'processed_messages'),
      stats: statsTable === null ? null : qualifiedName(statsTable),
      partitionedBy: options.partitionedBy === undefined ? null : qualifiedName(options.partitionedBy),
    };
    this.partitioned = tables.partitionedBy !== null;
    this.claimText = claimSql(tables);
    this.completeText = completeSql(tables, options.durableCompletion ?? true);
    this.releaseText = releaseSql(tables, options.durableCompletion ?? true);
    this.getText = getSql(tables);
    this.tables = tables;
    const batching = { maxSize: options.maxBatchSize ?? 64, maxConcurrent: options.maxConcurrentBatches ?? 4 };
    this.claims = new Batcher((requests) => this.claimBatch(requests), batching, (request) => request.key);
    this.completions = new Batcher((inputs) => this.completeBatch(inputs), batching, (input) => input.claim.key);
  }

  normaliseKey(key: string): string {
    if (!isUuid(key)) {
      throw new InvalidIdempotencyKeyError(
        `The Postgres store keys processed_messages by uuid, got ${JSON.stringify(key)}; map business keys with keyToUuid(key)`,
        { key, store: this.name },
      );
    }
    return key.toLowerCase();
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const messageTime = this.partitioned ? this.messageTimeOf(request) : undefined;
    const row = await this.claims.submit(messageTime === undefined ? request : { ...request, messageTime });
    const record = toStoredRecord(row);
    if (row.owner_token !== request.owner) return { existing: record };
    return {
      claimed: {
        key: request.key,
        consumer: request.consumer,
        owner: request.owner,
        takeover: !row.inserted,
        record,
        token: request.owner,
        ...(messageTime === undefined ? {} : { messageTime }),
      },
    };
  }

  /** The time a claim is filed under in a partitioned table: the request's, else its UUIDv7 key's. */
  private messageTimeOf(request: ClaimRequest): number {
    const at = request.messageTime ?? uuidV7Time(request.key);
    if (at === null || !Number.isFinite(at)) {
      throw new MissingMessageTimeError(
        `The Postgres store's table is partitioned by time: pass idempotent()'s messageTime option (the broker's record timestamp), or key messages by UUIDv7`,
        { key: request.key, consumer: request.consumer, store: this.name },
      );
    }
    return at;
  }

  complete(claim: Claim, result: unknown, retentionSeconds: number): Promise<boolean> {
    return this.completions.submit({ claim, result, retentionSeconds });
  }

  async release(claim: Claim): Promise<boolean> {
    const { rows } = await this.run(this.releaseText, [claim.key, claim.consumer, claim.token, ...(this.partitioned ? [new Date(claim.messageTime!)] : [])]);
    return (rows[0] as { released: number }).released === 1;
  }

  async get(key: string): Promise<StoredRecord | null> {
    const { rows } = await this.db.query(this.getText, [this.normaliseKey(key)]);
    return rows.length ? toStoredRecord(rows[0] as Row) : null;
  }

  /**
   * Deletes up to `limit` rows past their expiry and returns how many: a row
   * not in flight whose expires_at has passed or, without one (a failed or
   * released claim), whose processed_at is `retentionHours` old. The same rule
   * the dashboard's purge deletes by (postgres-expiry.ts). Call it again while
   * it returns `limit`.
   */
  async purgeExpired({ limit = 1000, retentionHours = DEFAULT_RETENTION_SECONDS / 3600 }: PurgeOptions = {}): Promise<number> {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`purgeExpired: limit must be a whole number of rows, at least 1, got ${limit}`);
    const { rowCount } = await this.db.query(purgeSql(this.tables, retentionHours), [limit]);
    return rowCount ?? 0;
  }

  private async claimBatch(requests: ClaimRequest[]): Promise<Row[]> {
    const { rows } = await this.retryDeadlock(this.claimText, [
      requests.map((r) => r.key),
      requests.map((r) => r.consumer),
      requests.map((r) => r.owner),
      requests.map((r) => Math.round(r.leaseMs)),
      requests.map((r) => r.fingerprint ?? null),
      ...(this.partitioned ? [requests.map((r) => new Date(r.messageTime!))] : []),
    ]);
    const byKey = new Map((rows as Row[]).map((row) => [row.message_id, row]));
    return requests.map((r) => byKey.get(r.key)!);
  }

  private async completeBatch(inputs: CompleteInput[]): Promise<boolean[]> {
    const { rows } = await this.retryDeadlock(this.completeText, [
      inputs.map((i) => i.claim.key),
      inputs.map((i) => i.claim.token),
      inputs.map((i) => JSON.stringify(i.result ?? null)),
      inputs.map((i) => Math.round(i.retentionSeconds)),
      ...(this.partitioned ? [inputs.map((i) => new Date(i.claim.messageTime!))] : []),
    ]);
    const done = new Set((rows as { owner_token: string }[]).map((row) => row.owner_token));
    return inputs.map((i) => done.has(i.claim.token));
  }

  private async retryDeadlock(text: string, values: unknown[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run(text, values);
      } catch (error) {
        if (attempt >= ATTEMPTS || (error as { code?: string }).code !== DEADLOCK_DETECTED) throw error;
      }
    }
  }

  private run(text: string, values: unknown[]) {
    return this.prepare ? this.db.query({ name: statementName(text), text, values }) : this.db.query(text, values);
  }
}

const names = new Map<string, string>();

/** Named after the text's hash, since a connection refuses a known name with a different text. */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `idemscope_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

function toStoredRecord(row: Row): StoredRecord {
  // Rows of the plain recipe have no owner history: they were never claimed with a lease.
  const plain = row.status === 'completed' && row.fingerprint === null && row.consumer === 'unknown';
  return {
    key: row.message_id,
    status: row.status,
    format: plain ? 'plain' : 'idemscope',
    consumer: row.consumer,
    ...(row.owner_token ? { owner: row.owner_token } : {}),
    startedAt: row.claimed_at.getTime(),
    ...(row.lease_expires_at ? { leaseExpiresAt: row.lease_expires_at.getTime() } : {}),
    ...(row.status === 'completed' ? { completedAt: row.processed_at.getTime(), result: row.result } : {}),
    ...(row.fingerprint ? { fingerprint: row.fingerprint } : {}),
    deliveryCount: row.delivery_count,
  };
}

import { InvalidIdempotencyKeyError } from '../errors';
import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../store';
import { isUuid } from '../uuid';
import { CLAIM_SQL, COMPLETE_SQL, GET_SQL, PURGE_SQL, RELEASE_SQL } from './postgres-sql';

/** Anything that runs a parameterised statement: a pg Pool, Client or PoolClient. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

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
 * Store on the processed_messages table (see prisma/migrations). Keys are the
 * message_id uuid column: use keyToUuid() for business keys. The caller owns
 * the pool; autocommit statements only, so it must not be inside a transaction.
 */
export class PostgresStore implements IdempotencyStore {
  readonly name = 'postgres';

  constructor(private readonly db: Queryable) {}

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
    const { rows } = await this.db.query(CLAIM_SQL, [
      request.key,
      request.consumer,
      request.owner,
      Math.round(request.leaseMs),
      request.fingerprint ?? null,
    ]);
    const row = rows[0] as Row;
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
      },
    };
  }

  async complete(claim: Claim, result: unknown, retentionSeconds: number): Promise<boolean> {
    const { rowCount } = await this.db.query(COMPLETE_SQL, [
      claim.key,
      claim.token,
      JSON.stringify(result ?? null),
      Math.round(retentionSeconds),
    ]);
    return rowCount === 1;
  }

  async release(claim: Claim): Promise<boolean> {
    const { rows } = await this.db.query(RELEASE_SQL, [claim.key, claim.consumer, claim.token]);
    return (rows[0] as { released: number }).released === 1;
  }

  async get(key: string): Promise<StoredRecord | null> {
    const { rows } = await this.db.query(GET_SQL, [this.normaliseKey(key)]);
    return rows.length ? toStoredRecord(rows[0] as Row) : null;
  }

  /** Deletes up to `limit` completed rows past their retention; returns how many. */
  async purgeExpired(limit = 1000): Promise<number> {
    const { rowCount } = await this.db.query(PURGE_SQL, [limit]);
    return rowCount ?? 0;
  }
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

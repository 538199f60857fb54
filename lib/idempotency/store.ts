/**
 * The one interface every store implements. Stores know how to claim,
 * complete and release a key atomically; all policy (fingerprints, errors,
 * what a duplicate returns) lives in the wrapper, so a new store is small.
 */

/**
 * A store's view of what is recorded under a key. `format: 'plain'` marks a
 * value written by the plain recipe (a bare `processing` marker or result),
 * which carries no owner, lease or fingerprint.
 */
export interface StoredRecord {
  key: string;
  status: 'processing' | 'completed' | 'failed';
  format: 'idemscope' | 'plain';
  consumer?: string;
  /** Token of the delivery holding the claim; only on records in flight. */
  owner?: string;
  /** Epoch ms. */
  startedAt?: number;
  /** Epoch ms, by the store's clock. */
  leaseExpiresAt?: number;
  /** Epoch ms. */
  completedAt?: number;
  /** Epoch ms at which the handler's failure was recorded; only on failed records that keep it (Redis). */
  failedAt?: number;
  result?: unknown;
  fingerprint?: string;
  /** How many deliveries the store has seen, where it counts them. */
  deliveryCount?: number;
}

export interface ClaimRequest {
  key: string;
  consumer: string;
  /** Random per delivery; a claim is ours exactly while the store still holds this token. */
  owner: string;
  leaseMs: number;
  fingerprint?: string;
  /**
   * Epoch ms of a time every delivery of the message carries (the broker's
   * record timestamp): what a store on a table partitioned by time files the
   * record under. Other stores ignore it.
   */
  messageTime?: number;
}

/** Proof of a claim, handed back to complete or release it. */
export interface Claim {
  key: string;
  consumer: string;
  owner: string;
  /** True when an expired or failed claim was taken over rather than a fresh key claimed. */
  takeover: boolean;
  record: StoredRecord;
  /** Store-private value that compare-and-set checks against (Redis: the exact in-flight JSON). */
  token: string;
  /** The message time the record was filed under, by a store on a partitioned table. */
  messageTime?: number;
}

export type ClaimResult = { claimed: Claim; existing?: undefined } | { claimed?: undefined; existing: StoredRecord };

export interface IdempotencyStore {
  /** Short name used in errors and stats (`redis`, `postgres`). */
  readonly name: string;
  /** Returns the key as the store holds it, or throws InvalidIdempotencyKeyError. */
  normaliseKey(key: string): string;
  /** Claims the key in one atomic step, or reports what is already there (and counts the delivery). */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Stores the result if the claim is still ours; false means the lease was lost. */
  complete(claim: Claim, result: unknown, retentionSeconds: number): Promise<boolean>;
  /**
   * Marks our claim failed after the handler threw, so that the retry takes it
   * over (and counts as a duplicate); false means the lease was already lost.
   */
  release(claim: Claim): Promise<boolean>;
  get(key: string): Promise<StoredRecord | null>;
}

import type { IdempotencyStore } from './store';

export interface IdempotentOptions<M> {
  /** Where claims and results are kept. Required. */
  store: IdempotencyStore;
  /** Name of this consumer in records and delivery counters. Required, non-empty. */
  consumer: string;
  /**
   * The message's idempotency key: a business key (order id) or the
   * producer's message UUID. Required; returning null, undefined or an empty
   * string raises MissingIdempotencyKeyError. The Postgres store needs a UUID:
   * wrap business keys in keyToUuid().
   */
  key: (message: M) => string | null | undefined;
  /**
   * How long a claim protects a running handler before another delivery may
   * take it over, in ms. Longer than the slowest handler, or a slow handler
   * will be run twice. Default 30000.
   */
  leaseMs?: number;
  /** How long a completed result is kept and replayed to duplicates, in seconds. Default 86400. */
  retentionSeconds?: number;
  /**
   * The part of the message that must match for a duplicate to be answered
   * with the stored result; its SHA-256 over stable JSON is stored with the
   * record. Default: none, so payloads are not compared. `(m) => m` compares
   * the whole message.
   */
  fingerprint?: (message: M) => unknown;
  /**
   * A time every delivery of the message carries, the same on each
   * redelivery: the broker's record timestamp (Kafka's record timestamp,
   * SQS's SentTimestamp), as a Date, epoch ms or ISO string. Needed by a
   * PostgresStore on a table partitioned by time (`partitionedBy`), which
   * files the record in that time's partition; unless the key is a UUIDv7,
   * whose own time is used. Ignored by other stores.
   */
  messageTime?: (message: M) => Date | number | string;
}

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_RETENTION_SECONDS = 86_400;

/**
 * Every error the library raises descends from IdempotencyError, so a caller
 * can tell "the dedup layer said no" from its own handler's errors, which are
 * always rethrown unchanged and never wrapped.
 */
import type { StoredRecord } from './store';

/** What the library knew when it raised an error; every field is optional. */
export interface IdempotencyErrorContext {
  key?: string;
  consumer?: string;
  store?: string;
  record?: StoredRecord;
  [extra: string]: unknown;
}

export class IdempotencyError extends Error {
  override readonly name: string = 'IdempotencyError';
  readonly context: IdempotencyErrorContext;

  constructor(message: string, context: IdempotencyErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}

/** The key function returned nothing usable, so the message cannot be deduplicated. */
export class MissingIdempotencyKeyError extends IdempotencyError {
  override readonly name = 'MissingIdempotencyKeyError';
}

/** The key is present but the store cannot hold it (the Postgres store needs a UUID). */
export class InvalidIdempotencyKeyError extends IdempotencyError {
  override readonly name = 'InvalidIdempotencyKeyError';
}

/**
 * A store on a table partitioned by message time got a message without one:
 * no `messageTime` option, and a key that is not a UUIDv7 carrying its time.
 */
export class MissingMessageTimeError extends IdempotencyError {
  override readonly name = 'MissingMessageTimeError';
}

/** Another delivery holds a live lease on this key; `record` says who and until when. */
export class AlreadyInProgressError extends IdempotencyError {
  override readonly name = 'AlreadyInProgressError';
  readonly record: StoredRecord;

  constructor(message: string, context: IdempotencyErrorContext & { record: StoredRecord }, options?: { cause?: unknown }) {
    super(message, context, options);
    this.record = context.record;
  }
}

/** The key was seen before with a different payload: returning its result would answer the wrong message. */
export class PayloadMismatchError extends IdempotencyError {
  override readonly name = 'PayloadMismatchError';
  readonly record: StoredRecord;

  constructor(message: string, context: IdempotencyErrorContext & { record: StoredRecord; fingerprint: string }, options?: { cause?: unknown }) {
    super(message, context, options);
    this.record = context.record;
  }
}

/**
 * The handler finished but its claim was no longer ours: the lease ran out and
 * another delivery took over, or an operator released the record. The
 * handler's side effect has happened; its result was not stored.
 */
export class LeaseLostError extends IdempotencyError {
  override readonly name = 'LeaseLostError';
}

/** The store could not be reached or refused a command; `cause` holds the driver's error. */
export class StoreError extends IdempotencyError {
  override readonly name = 'StoreError';
}

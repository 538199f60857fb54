import { randomUUID } from 'node:crypto';
import {
  AlreadyInProgressError,
  IdempotencyError,
  LeaseLostError,
  MissingIdempotencyKeyError,
  MissingMessageTimeError,
  PayloadMismatchError,
  StoreError,
} from './errors';
import { fingerprint as fingerprintOf } from './fingerprint';
import { DEFAULT_LEASE_MS, DEFAULT_RETENTION_SECONDS, type IdempotentOptions } from './options';
import type { Claim, IdempotencyStore, StoredRecord } from './store';

/** How a delivery was handled: run for the first time, run after taking over a dead or failed claim, or answered from the store. */
export type Outcome = 'processed' | 'takeover' | 'duplicate';

export interface Processed<R> {
  outcome: Outcome;
  key: string;
  result: R;
}

export interface IdempotentHandler<M, R> {
  (message: M): Promise<R>;
  /** Same as calling the handler, but also says whether it ran. */
  process(message: M): Promise<Processed<R>>;
}

/**
 * Wraps a message handler so that each key's handler runs to completion at
 * most once while its result is retained. Duplicates get the stored result
 * (as JSON, so a Date comes back as a string); the handler's own errors are
 * rethrown unchanged after releasing the claim so that a retry can run.
 */
export function idempotent<M, R>(
  handler: (message: M) => R | Promise<R>,
  options: IdempotentOptions<M>,
): IdempotentHandler<M, R> {
  const { store, consumer } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const retentionSeconds = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  if (!consumer) throw new TypeError('idempotent: options.consumer must be a non-empty string');
  if (!(leaseMs > 0)) throw new TypeError('idempotent: options.leaseMs must be positive');
  if (!(retentionSeconds > 0)) throw new TypeError('idempotent: options.retentionSeconds must be positive');

  async function process(message: M): Promise<Processed<R>> {
    const rawKey = options.key(message);
    if (rawKey === null || rawKey === undefined || rawKey === '') {
      throw new MissingIdempotencyKeyError(`No idempotency key in message for consumer ${consumer}`, { consumer, store: store.name });
    }
    const key = store.normaliseKey(String(rawKey));
    const fingerprint = options.fingerprint ? fingerprintOf(options.fingerprint(message)) : undefined;
    const context = { key, consumer, store: store.name };
    const messageTime = options.messageTime ? timeOf(options.messageTime(message), context) : undefined;

    const { claimed, existing } = await guard(store, 'claim', context, () =>
      store.claim({ key, consumer, owner: randomUUID(), leaseMs, fingerprint, ...(messageTime === undefined ? {} : { messageTime }) }),
    );
    if (existing) return { outcome: 'duplicate', key, result: answerFrom(existing, fingerprint, context) as R };

    let result: R;
    try {
      result = await handler(message);
    } catch (error) {
      // A failed release only delays the retry until the lease expires, so the
      // caller still gets its own error rather than ours.
      await store.release(claimed).catch(() => undefined);
      throw error;
    }
    await settle(store, claimed, result, retentionSeconds, context);
    return { outcome: claimed.takeover ? 'takeover' : 'processed', key, result };
  }

  const wrapped = (async (message: M) => (await process(message)).result) as IdempotentHandler<M, R>;
  wrapped.process = process;
  return wrapped;
}

type Context = { key: string; consumer: string; store: string };

function timeOf(value: Date | number | string, context: Context): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new MissingMessageTimeError(`messageTime gave no valid time for key ${context.key}: ${JSON.stringify(value)}`, context);
  return ms;
}

function answerFrom(record: StoredRecord, fingerprint: string | undefined, context: Context): unknown {
  if (fingerprint && record.fingerprint && record.fingerprint !== fingerprint) {
    throw new PayloadMismatchError(
      `Key ${context.key} was already used for a different payload (stored fingerprint ${record.fingerprint.slice(0, 12)}…, this one ${fingerprint.slice(0, 12)}…)`,
      { ...context, record, fingerprint },
    );
  }
  if (record.status === 'completed') return record.result;
  const until = record.leaseExpiresAt ? ` until ${new Date(record.leaseExpiresAt).toISOString()}` : '';
  throw new AlreadyInProgressError(
    `Key ${context.key} is being processed by ${record.consumer ?? 'another consumer'}${until}`,
    { ...context, record },
  );
}

async function settle(store: IdempotencyStore, claim: Claim, result: unknown, retentionSeconds: number, context: Context): Promise<void> {
  const stored = await guard(store, 'complete', context, () => store.complete(claim, result, retentionSeconds));
  if (!stored) {
    throw new LeaseLostError(
      `Key ${context.key}: the handler finished after its lease was lost (taken over or released); its result was not stored`,
      { ...context, owner: claim.owner, leaseExpiresAt: claim.record.leaseExpiresAt },
    );
  }
}

async function guard<T>(store: IdempotencyStore, operation: string, context: Context, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof IdempotencyError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`${store.name} store failed to ${operation} key ${context.key}: ${reason}`, { ...context, operation }, { cause: error });
  }
}

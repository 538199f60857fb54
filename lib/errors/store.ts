import { IdemscopeError } from './base';

const DISPLAY_NAME = { redis: 'Redis', postgres: 'PostgreSQL' } as const;

/** A store could not be reached or failed; the message never carries its URL. */
export class StoreUnavailableError extends IdemscopeError {
  override readonly name = 'StoreUnavailableError';
  readonly status = 503;
  readonly code = 'store_unavailable';

  /** The reason alone, in plain words (the message adds the store's name). */
  readonly reason: string;

  constructor(
    readonly store: 'redis' | 'postgres',
    reason: string,
    options?: { cause?: unknown },
  ) {
    // A reason taken from another StoreUnavailableError's message must not repeat the prefix.
    const bare = reason.replace(/^((Redis|PostgreSQL) is unavailable: )+/, '');
    super(`${DISPLAY_NAME[store]} is unavailable: ${bare}`, { context: { store }, cause: options?.cause });
    this.reason = bare;
  }

  // A dropped connection usually comes back within seconds; clients should not hammer it meanwhile.
  override headers(): Record<string, string> {
    return { 'Retry-After': '5' };
  }
}

/** `?fresh=1` waited longer than allowed for a complete keyspace pass. */
export class FreshSnapshotTimeoutError extends IdemscopeError {
  override readonly name = 'FreshSnapshotTimeoutError';
  readonly status = 504;
  readonly code = 'timeout';

  constructor(readonly timeoutMs: number) {
    super(`No complete keyspace pass within ${Math.round(timeoutMs / 1000)} s; try again without fresh=1 for the last snapshot.`, {
      context: { timeoutMs },
    });
  }
}

/**
 * The store answers, but the dashboard's own credentials may not make this
 * change (a read-only role, as production teams give a dashboard). Found
 * before anything is written, so an action never fails half-way.
 */
export class StorePrivilegeError extends IdemscopeError {
  override readonly name = 'StorePrivilegeError';
  readonly status = 403;
  readonly code = 'store_privilege';

  constructor(
    readonly store: 'redis' | 'postgres',
    readonly missing: string[],
  ) {
    super(
      `The dashboard's ${DISPLAY_NAME[store]} credentials lack ${missing.join(' and ')}, which this action needs; nothing was changed. Grant it as the README's least-privilege section shows, or ask someone whose dashboard may.`,
      { context: { store, missing } },
    );
  }
}

/**
 * The read side's errors: one family, each with a name, an optional cause
 * and a context object for logs. They say nothing about HTTP; lib/http maps
 * them to statuses in one place.
 */
export class DashboardError extends Error {
  override readonly name: string = 'DashboardError';

  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A query, path or body parameter is malformed (read side and actions alike); the message starts with its name. */
export class InvalidParameterError extends DashboardError {
  override readonly name = 'InvalidParameterError';
  constructor(
    readonly parameter: string,
    problem: string,
  ) {
    super(`${parameter}: ${problem}`, { parameter });
  }
}

export class NotFoundError extends DashboardError {
  override readonly name = 'NotFoundError';
  constructor(
    readonly resource: 'key' | 'message',
    readonly id: string,
  ) {
    super(`No ${resource} ${JSON.stringify(id)} found.`, { resource, id });
  }
}

/** A store could not be reached or failed; the message never carries its URL. */
export class StoreUnavailableError extends DashboardError {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly store: 'redis' | 'postgres',
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${store === 'redis' ? 'Redis' : 'PostgreSQL'} is unavailable: ${reason}`, { store }, options);
  }
}

/** `?fresh=1` waited longer than allowed for a complete keyspace pass. */
export class FreshSnapshotTimeoutError extends DashboardError {
  override readonly name = 'FreshSnapshotTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`No complete keyspace pass within ${Math.round(timeoutMs / 1000)} s; try again without fresh=1 for the last snapshot.`, {
      timeoutMs,
    });
  }
}

/** A short reason for a failure, safe to show: connection strings and credentials are cut out. */
export function describeFailure(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // Prisma wraps driver errors in a multi-line invocation report; the driver's own words are quoted in it.
  const quoted = /Message: `([^`]*)`/.exec(raw)?.[1];
  const line = quoted ?? raw.split('\n').find((l) => l.trim() !== '') ?? '';
  return line
    .trim()
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .slice(0, 200);
}

/** What a Prisma driver-adapter error says went wrong (e.g. DatabaseNotReachable), when it is one. */
export function driverErrorKind(error: unknown): string | null {
  const kind = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } })?.meta?.driverAdapterError?.cause?.kind;
  return typeof kind === 'string' ? kind : null;
}

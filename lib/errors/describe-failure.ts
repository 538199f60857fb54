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

import { describeFailure, driverErrorKind } from './describe-failure';

// Driver-adapter kinds that mean "cannot talk to the database" rather than a bad query.
const UNREACHABLE_KINDS: Record<string, string> = {
  DatabaseNotReachable: 'not reachable',
  DatabaseDoesNotExist: 'the database does not exist',
  DatabaseAccessDenied: 'access denied',
  AuthenticationFailed: 'authentication failed',
  ConnectionClosed: 'the connection was closed',
  SocketTimeout: 'no answer (socket timeout)',
  TooManyConnections: 'too many connections',
  TlsConnectionError: 'TLS connection failed',
};

// SQLSTATEs of a database that is there but cannot serve this statement now.
const UNAVAILABLE_CODES: Record<string, string> = {
  '55P03': 'a table is locked (waited longer than the lock timeout)',
  '57014': 'no answer within the statement timeout',
  '53300': 'too many connections',
  '53000': 'out of resources',
  '57P01': 'the server closed the connection',
  '57P02': 'the server is shutting down',
  '57P03': 'the server is starting up',
  '40P01': 'deadlock detected',
};

const UNREACHABLE_TEXT: [RegExp, string][] = [
  [/timeout exceeded when trying to connect/i, 'no free connection in the pool within the acquire timeout'],
  [/Query read timeout/i, 'no answer within the statement timeout'],
  [/Connection terminated|ECONNRESET|Connection closed/i, 'the connection was lost'],
  [/ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT/i, 'not reachable'],
  [/the database system is (starting up|shutting down)/i, 'the server is restarting'],
];

function sqlState(error: unknown): string | null {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } })?.meta?.driverAdapterError?.cause;
  const code = cause?.originalCode ?? cause?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Why Postgres could not serve a call, in plain words, when the failure is
 * the store's and not the query's (unreachable, locked, timed out, out of
 * connections); null for any other failure. Never the driver's own text.
 */
export function postgresUnavailableReason(error: unknown): string | null {
  const code = sqlState(error);
  if (code && UNAVAILABLE_CODES[code]) return UNAVAILABLE_CODES[code];
  if (code?.startsWith('08')) return 'the connection failed';
  const kind = driverErrorKind(error);
  if (kind && UNREACHABLE_KINDS[kind]) return UNREACHABLE_KINDS[kind];
  const text = describeFailure(error);
  return UNREACHABLE_TEXT.find(([pattern]) => pattern.test(text))?.[1] ?? null;
}

/** True for a lock timeout: a purge waits and retries rather than fails. */
export function isLockTimeout(error: unknown): boolean {
  return sqlState(error) === '55P03';
}

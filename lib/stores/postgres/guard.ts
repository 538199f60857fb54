import { describeFailure, driverErrorKind, StoreUnavailableError } from '../../errors';

// Failures that mean "cannot talk to the database" rather than a bad query.
const UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
const UNREACHABLE_TEXT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|timeout exceeded|Connection terminated|the database system is (starting up|shutting down)/i;

export function unreachable(error: unknown): boolean {
  const kind = driverErrorKind(error);
  return (kind !== null && UNREACHABLE_KINDS.has(kind)) || UNREACHABLE_TEXT.test(describeFailure(error));
}

/** Turns "cannot reach the database" into StoreUnavailableError; any other failure stays what it is. */
export function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      if (unreachable(error)) throw new StoreUnavailableError('postgres', describeFailure(error), { cause: error });
      throw error;
    }
  };
}

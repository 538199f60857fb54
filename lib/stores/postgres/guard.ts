import { postgresUnavailableReason, StoreUnavailableError } from '../../errors';

export function unreachable(error: unknown): boolean {
  return error instanceof StoreUnavailableError || postgresUnavailableReason(error) !== null;
}

/**
 * Turns any failure that is the store's (unreachable, a lock or statement
 * timeout, no free connection) into StoreUnavailableError; any other failure
 * stays what it is. The client of lib/db/prisma.ts already does this for
 * every query; this also covers clients made elsewhere and a transaction's start.
 */
export function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      const reason = postgresUnavailableReason(error);
      if (reason !== null) throw new StoreUnavailableError('postgres', reason, { cause: error });
      throw error;
    }
  };
}

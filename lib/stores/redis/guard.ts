import { describeFailure, StoreUnavailableError } from '../../errors';
import type { RedisClient } from './connection';

/** How long a first request waits for a connection that is still being set up. */
const READY_TIMEOUT_MS = 2000;
/** No Redis call may take longer; a paused or black-holed server is unavailable, not slow. */
export const REDIS_DEADLINE_MS = 5000;

async function ready(client: RedisClient): Promise<void> {
  if (client.isReady) return;
  if (!client.isOpen) void client.connect().catch(() => undefined);
  const ok = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => done(false), READY_TIMEOUT_MS);
    const onReady = () => done(true);
    function done(value: boolean) {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(value);
    }
    client.once('ready', onReady);
  });
  if (!ok) throw new StoreUnavailableError('redis', client.isOpen ? 'reconnecting' : 'not connected');
}

function withDeadline<R>(work: Promise<R>, ms: number): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError('redis', `no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Every Redis call of the dashboard goes through this: it fails at once when
 * Redis is known to be down, gives up after REDIS_DEADLINE_MS, and turns any
 * failure into StoreUnavailableError, so no outage is ever read as data.
 */
export function guarded<A extends unknown[], R>(client: RedisClient, fn: (...args: A) => Promise<R>, deadlineMs = REDIS_DEADLINE_MS) {
  return async (...args: A): Promise<R> => {
    await ready(client);
    try {
      return await withDeadline(fn(...args), deadlineMs);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError('redis', describeFailure(error), { cause: error });
    }
  };
}

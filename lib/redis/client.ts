import { Redis } from 'ioredis';
import { env } from '../config/env';

const holder = globalThis as unknown as { idemscopeRedis?: Redis };

/**
 * The dashboard's Redis connection. It fails fast instead of queueing commands
 * while Redis is down, so that a page shows "unreachable" rather than hanging.
 */
export function redis(): Redis {
  holder.idemscopeRedis ??= new Redis(env().REDIS_URL, {
    lazyConnect: false,
    connectTimeout: 2000,
    commandTimeout: 5000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  return holder.idemscopeRedis;
}

export async function disconnectRedis(): Promise<void> {
  holder.idemscopeRedis?.disconnect();
  holder.idemscopeRedis = undefined;
}

import 'server-only';
import { createClient, type RedisClientType } from 'redis';
import { env, STORE_DEADLINES } from '../../config/env';
import { describeFailure } from '../../errors';
import { setDeadline } from './deadline';

/** The node-redis client every Redis read and action of the dashboard goes through. */
export type RedisClient = RedisClientType;

const RECONNECT_CAP_MS = 2000;

/**
 * A client that connects in the background and keeps reconnecting while
 * Redis is down. Errors are reported once per outage, not once per retry,
 * so a Redis restart does not flood the server log.
 */
export function connectRedis(url: string, label = 'redis', timeoutMs: number = STORE_DEADLINES.redisMs): RedisClient {
  const client: RedisClient = createClient({
    url,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries) => Math.min((retries + 1) * 200, RECONNECT_CAP_MS) },
  });
  let reported = false;
  client.on('error', (error: unknown) => {
    if (reported) return;
    reported = true;
    // One line, no stack: an outage is an expected event, and the URL never reaches the log.
    console.error(`idemscope: ${label} connection error: ${describeFailure(error)}`);
  });
  client.on('ready', () => {
    reported = false;
  });
  client.connect().catch(() => undefined);
  setDeadline(client, timeoutMs);
  return client;
}

const holder = globalThis as unknown as { idemscopeRedis?: RedisClient; idemscopeScannerRedis?: RedisClient };

/** The process's Redis connection, on globalThis so that dev reloads reuse it. */
export function redis(): RedisClient {
  holder.idemscopeRedis ??= connectRedis(env().REDIS_URL, 'redis', env().IDEMSCOPE_REDIS_TIMEOUT_MS);
  return holder.idemscopeRedis;
}

/** A connection of the scanner's own, so API commands never queue behind its pipelines. */
export function scannerRedis(): RedisClient {
  holder.idemscopeScannerRedis ??= connectRedis(env().REDIS_URL, 'redis (scanner)', env().IDEMSCOPE_REDIS_TIMEOUT_MS);
  return holder.idemscopeScannerRedis;
}

export async function disconnectRedis(): Promise<void> {
  const clients = [holder.idemscopeRedis, holder.idemscopeScannerRedis];
  holder.idemscopeRedis = holder.idemscopeScannerRedis = undefined;
  await Promise.all(clients.map((c) => (c?.isOpen ? c.destroy() : undefined)));
}

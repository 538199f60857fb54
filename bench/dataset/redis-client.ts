import { createClient } from 'redis';
import type { RedisNodeClient as RedisClient } from '../../lib/stores/redis/connection';

/**
 * A connected node-redis client of the benchmark's own. Reconnection is off:
 * a benchmark that loses Redis should fail at once, not wait in the offline
 * queue and report the wait as latency.
 */
export async function benchRedis(url: string): Promise<RedisClient> {
  const client: RedisClient = createClient({ url, socket: { reconnectStrategy: false } });
  // Without a listener node-redis rethrows socket errors as uncaught exceptions;
  // the failing command rejects on its own and says why.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Closes a client once its pending replies are in; a client already closed is left alone. */
export async function closeRedis(client: RedisClient | undefined): Promise<void> {
  if (client?.isOpen) await client.close();
}

import type { RedisNodeClient as RedisClient } from '../../lib/stores/redis/connection';

/** Unlinks every key under the prefix with bounded SCAN steps, never KEYS. */
export async function unlinkPrefix(client: RedisClient, prefix: string): Promise<number> {
  let removed = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 5000 })) {
    if (keys.length) removed += await client.unlink(keys);
  }
  return removed;
}

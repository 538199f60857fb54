import type { Redis } from 'ioredis';

/** Unlinks every key under the prefix with bounded SCAN steps, never KEYS. */
export async function unlinkPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) removed += await client.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

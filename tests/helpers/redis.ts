import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function newRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
}

/** A key prefix of this test file's own; tests never FLUSHDB a Redis that others share. */
export function testPrefix(label: string): string {
  return `t:${label}:${randomBytes(3).toString('hex')}:`;
}

/** Removes every key under the prefix, with a bounded SCAN like the product itself. */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) removed += await client.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

import { randomBytes } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';

/** The tests' own Redis connections and key prefixes. */

/**
 * A Redis database of the suite's own (the e2e run has 12): db 0 may hold
 * millions of keys of a demo or a benchmark, which every bounded SCAN of a
 * test would have to wade through before reaching its few keys.
 */
export const TEST_REDIS_DB = 11;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? `redis://127.0.0.1:6379/${TEST_REDIS_DB}`;

/**
 * A database only tests/dashboard/scanner.test.ts writes. Its passes assert
 * exact counts, and SCAN may return a key twice when the table shrinks during
 * a pass, which other suites deleting their keys in db 11 can cause.
 */
export const QUIET_TEST_REDIS_URL = `redis://127.0.0.1:6379/9`;

export type TestRedisClient = RedisClientType;

/**
 * A connected client of its own. Reconnection is off: a test that loses Redis
 * should fail at once rather than wait in the offline queue.
 */
export async function newRedisClient(url = TEST_REDIS_URL): Promise<TestRedisClient> {
  const client: TestRedisClient = createClient({ url, socket: { reconnectStrategy: false } });
  // Without a listener node-redis rethrows socket errors as uncaught exceptions.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A key prefix of this test file's own; tests never FLUSHDB a Redis that others share. */
export function testPrefix(label: string): string {
  return `t:${label}:${randomBytes(3).toString('hex')}:`;
}

/** Every key under the prefix, found with a bounded SCAN (COUNT 1000 per step), never KEYS. */
export async function keysByPrefix(client: TestRedisClient, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) found.push(...keys);
  return found;
}

/** Removes every key under the prefix with UNLINK, one SCAN step at a time. */
export async function deleteByPrefix(client: TestRedisClient, prefix: string): Promise<number> {
  let removed = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    if (keys.length) removed += await client.unlink(keys);
  }
  return removed;
}

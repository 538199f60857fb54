import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore, compareAndDelete, type RedisStoreOptions } from '../../lib/idempotency/index';
import { COUNTERS, parseStatsField } from '../../lib/idempotency/stats-keys';
import { TEST_REDIS_URL, deleteByPrefix, newRedis, testPrefix } from '../helpers/redis';
import type { Counters, StoreHarness } from './harness';
import { describeStoreContract } from './store-contract';

const redisHarness = (options: Pick<RedisStoreOptions, 'maxBatchSize'>) => async (): Promise<StoreHarness> => {
  const keyPrefix = testPrefix('idem-redis');
  const statsPrefix = `${keyPrefix}stats:`;
  const admin = newRedis();
  let seq = 0;

  return {
    async connect() {
      const client = newRedis();
      return { store: new RedisStore(client, { ...options, keyPrefix, statsPrefix }), close: async () => void client.disconnect() };
    },
    async connectBroken() {
      const client = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
      return { store: new RedisStore(client, { ...options, keyPrefix, statsPrefix }), close: async () => void client.disconnect() };
    },
    newKey: () => `order-${++seq}`,
    async counters(consumer) {
      const minute = await sumBuckets(admin, `${statsPrefix}m:`, consumer);
      const hour = await sumBuckets(admin, `${statsPrefix}h:`, consumer);
      if (JSON.stringify(minute) !== JSON.stringify(hour)) throw new Error(`minute and hour buckets disagree: ${JSON.stringify({ minute, hour })}`);
      return minute;
    },
    async writePlainCompleted(key) {
      await admin.set(`${keyPrefix}${key}`, 'shipped', 'EX', 86400);
      return 'shipped';
    },
    async writePlainInFlight(key) {
      await admin.set(`${keyPrefix}${key}`, 'processing', 'EX', 86400, 'NX');
    },
    fixtureStore: { store: 'redis', url: TEST_REDIS_URL, keyPrefix, statsPrefix },
    retryCountsAsDuplicate: false,
    async teardown() {
      await deleteByPrefix(admin, keyPrefix);
      admin.disconnect();
    },
  };
};

describeStoreContract('redis', redisHarness({}));
describeStoreContract('redis (one script call per message)', redisHarness({ maxBatchSize: 1 }));

async function sumBuckets(client: Redis, prefix: string, consumer: string): Promise<Counters> {
  const totals = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
  const keys: string[] = [];
  // A shared Redis may hold many other keys: one SCAN call can return none of ours.
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  for (const key of keys) {
    if ((await client.ttl(key)) <= 0) throw new Error(`stats bucket ${key} has no TTL`);
    for (const [field, value] of Object.entries(await client.hgetall(key))) {
      const parsed = parseStatsField(field);
      if (parsed?.consumer === consumer) totals[parsed.counter] += Number(value);
    }
  }
  return totals;
}

describe('compareAndDelete', () => {
  const client = newRedis();
  const prefix = testPrefix('idem-cad');
  afterAll(async () => {
    await deleteByPrefix(client, prefix);
    client.disconnect();
  });

  it('deletes a key only while it holds exactly the expected value', async () => {
    await client.set(`${prefix}k`, 'mine');

    expect(await compareAndDelete(client, `${prefix}k`, 'theirs')).toBe(false);
    expect(await client.get(`${prefix}k`)).toBe('mine');
    expect(await compareAndDelete(client, `${prefix}k`, 'mine')).toBe(true);
    expect(await client.exists(`${prefix}k`)).toBe(0);
  });
});

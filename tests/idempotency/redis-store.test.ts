import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LuaScript, RedisStore, compareAndDelete, idempotent, type RedisStoreOptions } from '../../lib/idempotency/index';
import { COUNTERS, parseStatsField } from '../../lib/idempotency/stats-keys';
import { TEST_REDIS_URL, deleteByPrefix, keysByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import type { Counters, StoreHarness } from './harness';
import { describeStoreContract } from './store-contract';

const redisHarness = (options: Pick<RedisStoreOptions, 'maxBatchSize'>) => async (): Promise<StoreHarness> => {
  const keyPrefix = testPrefix('idem-redis');
  const statsPrefix = `${keyPrefix}stats:`;
  const admin = await newRedisClient();
  let seq = 0;

  return {
    async connect() {
      const client = await newRedisClient();
      return { store: new RedisStore(client, { ...options, keyPrefix, statsPrefix }), close: () => client.close() };
    },
    async connectBroken() {
      // Never connected: node-redis refuses every command of a closed client at once.
      const client = createClient({ socket: { port: 1, reconnectStrategy: false } });
      return { store: new RedisStore(client, { ...options, keyPrefix, statsPrefix }), close: async () => undefined };
    },
    newKey: () => `order-${++seq}`,
    async counters(consumer) {
      const minute = await sumBuckets(admin, `${statsPrefix}m:`, consumer);
      const hour = await sumBuckets(admin, `${statsPrefix}h:`, consumer);
      if (JSON.stringify(minute) !== JSON.stringify(hour)) throw new Error(`minute and hour buckets disagree: ${JSON.stringify({ minute, hour })}`);
      return minute;
    },
    async writePlainCompleted(key) {
      await admin.set(`${keyPrefix}${key}`, 'shipped', { expiration: { type: 'EX', value: 86400 } });
      return 'shipped';
    },
    async writePlainInFlight(key) {
      await admin.set(`${keyPrefix}${key}`, 'processing', { condition: 'NX', expiration: { type: 'EX', value: 86400 } });
    },
    fixtureStore: { store: 'redis', url: TEST_REDIS_URL, keyPrefix, statsPrefix },
    async teardown() {
      await deleteByPrefix(admin, keyPrefix);
      await admin.close();
    },
  };
};

describeStoreContract('redis', redisHarness({}));
describeStoreContract('redis (one script call per message)', redisHarness({ maxBatchSize: 1 }));

async function sumBuckets(client: TestRedisClient, prefix: string, consumer: string): Promise<Counters> {
  const totals = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
  for (const key of await keysByPrefix(client, prefix)) {
    if ((await client.ttl(key)) <= 0) throw new Error(`stats bucket ${key} has no TTL`);
    for (const [field, value] of Object.entries(await client.hGetAll(key))) {
      const parsed = parseStatsField(field);
      if (parsed?.consumer === consumer) totals[parsed.counter] += Number(value);
    }
  }
  return totals;
}

describe('redis failed record', () => {
  const prefix = testPrefix('idem-failed');
  let client: TestRedisClient;
  let store: RedisStore;
  beforeAll(async () => {
    client = await newRedisClient();
    store = new RedisStore(client, { keyPrefix: prefix, statsPrefix: `${prefix}stats:`, inFlightGraceMs: 60_000 });
  });
  afterAll(async () => {
    await deleteByPrefix(client, prefix);
    await client.close();
  });

  it('replaces the claim of a failed handler with a failed record in the library format, keeping the claim\'s TTL', async () => {
    const handle = idempotent(
      async () => {
        throw new Error('gateway down');
      },
      { store, consumer: 'billing', key: () => 'k1', leaseMs: 5_000, fingerprint: () => 'payload' },
    );

    await expect(handle({})).rejects.toThrow('gateway down');

    const value = (await client.get(`${prefix}k1`))!;
    expect(value).toMatch(/^\{"fmt":"idemscope","v":1,"status":"failed","consumer":"billing","startedAt":\d+,"failedAt":\d+,"fingerprint":"[0-9a-f]{64}"\}$/);
    const record = JSON.parse(value) as { startedAt: number; failedAt: number };
    expect(record.failedAt).toBeGreaterThanOrEqual(record.startedAt);
    const pttl = await client.pTTL(`${prefix}k1`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000 + 60_000);
    expect(await store.get('k1')).toMatchObject({ status: 'failed', format: 'idemscope', consumer: 'billing', failedAt: record.failedAt });
  });

  it('leaves a key alone that is no longer our claim, and still counts the failure', async () => {
    const handle = idempotent(
      async () => {
        await client.set(`${prefix}k2`, 'taken over meanwhile');
        throw new Error('late failure');
      },
      { store, consumer: 'billing-late', key: () => 'k2' },
    );

    await expect(handle({})).rejects.toThrow('late failure');

    expect(await client.get(`${prefix}k2`)).toBe('taken over meanwhile');
    const minute = await keysByPrefix(client, `${prefix}stats:m:`);
    const failures = await Promise.all(minute.map((key) => client.hGet(key, 'billing-late|failures')));
    expect(failures.reduce((sum, n) => sum + Number(n ?? 0), 0)).toBe(1);
  });
});

describe('compareAndDelete', () => {
  const prefix = testPrefix('idem-cad');
  let client: TestRedisClient;
  beforeAll(async () => {
    client = await newRedisClient();
  });
  afterAll(async () => {
    await deleteByPrefix(client, prefix);
    await client.close();
  });

  it('deletes a key only while it holds exactly the expected value', async () => {
    await client.set(`${prefix}k`, 'mine');

    expect(await compareAndDelete(client, `${prefix}k`, 'theirs')).toBe(false);
    expect(await client.get(`${prefix}k`)).toBe('mine');
    expect(await compareAndDelete(client, `${prefix}k`, 'mine')).toBe(true);
    expect(await client.exists(`${prefix}k`)).toBe(0);
  });

  it('loads a script the server does not know yet (NOSCRIPT) and runs it from its SHA afterwards', async () => {
    // A source no other test uses, so the server cannot have it cached.
    const script = new LuaScript(`return ARGV[1] .. '${prefix}'`);
    expect(await client.scriptExists(script.sha)).toEqual([0]);

    expect(await script.run(client, [], ['x'])).toBe(`x${prefix}`);
    expect(await client.scriptExists(script.sha)).toEqual([1]);
    expect(await script.run(client, [], ['y'])).toBe(`y${prefix}`);
  });
});

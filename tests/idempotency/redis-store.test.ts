import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LuaScript, RedisStore, compareAndDelete, idempotent, type RedisStoreOptions } from '../../lib/idempotency/index';
import { COUNTERS, parseStatsField } from '../../lib/idempotency/stats-keys';
import type { ScriptClient } from '../../lib/idempotency/stores/lua-script';
import { TEST_REDIS_URL, deleteByPrefix, keysByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import { TEST_REDIS_CLUSTER_URLS, clusterDeleteByPrefix, clusterKeysByPrefix, newClusterClient, type TestRedisCluster } from '../helpers/redis-cluster';
import type { Counters, StoreHarness } from './harness';
import { describeStoreContract } from './store-contract';

/**
 * Where a test's stores live: the single node (db 11) or the cluster of
 * scripts/redis-cluster.sh. The same contract runs against both.
 */
interface Target {
  name: string;
  cluster: boolean;
  /** A client of its own, for a store or for the test's own reads and writes. */
  open(): Promise<AdminClient & ScriptClient>;
  keys(admin: AdminClient, prefix: string): Promise<string[]>;
  drop(admin: AdminClient, prefix: string): Promise<unknown>;
  fixture: Record<string, string>;
}

/** What the tests do with a client themselves; both client kinds have these, with the key routed on a cluster. */
interface AdminClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: object): Promise<unknown>;
  ttl(key: string): Promise<number>;
  pTTL(key: string): Promise<number>;
  hGetAll(key: string): Promise<Record<string, string>>;
  hGet(key: string, field: string): Promise<string | null | undefined>;
  exists(key: string): Promise<number>;
  close(): Promise<void>;
}

const single: Target = {
  name: 'redis',
  cluster: false,
  open: async () => (await newRedisClient()) as unknown as Awaited<ReturnType<Target['open']>>,
  keys: (admin, prefix) => keysByPrefix(admin as unknown as TestRedisClient, prefix),
  drop: (admin, prefix) => deleteByPrefix(admin as unknown as TestRedisClient, prefix),
  fixture: { store: 'redis', url: TEST_REDIS_URL },
};

const cluster: Target = {
  name: 'redis cluster',
  cluster: true,
  open: async () => (await newClusterClient()) as unknown as Awaited<ReturnType<Target['open']>>,
  keys: (admin, prefix) => clusterKeysByPrefix(admin as unknown as TestRedisCluster, prefix),
  drop: (admin, prefix) => clusterDeleteByPrefix(admin as unknown as TestRedisCluster, prefix),
  fixture: { store: 'redis-cluster', url: TEST_REDIS_CLUSTER_URLS.join(',') },
};

const redisHarness = (target: Target, options: Pick<RedisStoreOptions, 'maxBatchSize'>) => async (): Promise<StoreHarness> => {
  const keyPrefix = testPrefix('idem-redis');
  const statsPrefix = `${keyPrefix}stats:`;
  const storeOptions = { ...options, keyPrefix, statsPrefix, cluster: target.cluster };
  const admin = await target.open();
  const layout = new RedisStore(admin, storeOptions);
  let seq = 0;

  return {
    async connect() {
      const client = await target.open();
      return { store: new RedisStore(client, storeOptions), close: () => client.close() };
    },
    async connectBroken() {
      // Never connected: node-redis refuses every command of a closed client at once.
      const client = createClient({ socket: { port: 1, reconnectStrategy: false } });
      return { store: new RedisStore(client, storeOptions), close: async () => undefined };
    },
    newKey: () => `order-${++seq}`,
    async counters(consumer) {
      const minute = await sumBuckets(target, admin, `${statsPrefix}m:`, consumer);
      const hour = await sumBuckets(target, admin, `${statsPrefix}h:`, consumer);
      if (JSON.stringify(minute) !== JSON.stringify(hour)) throw new Error(`minute and hour buckets disagree: ${JSON.stringify({ minute, hour })}`);
      return minute;
    },
    async writePlainCompleted(key) {
      await admin.set(layout.recordKey(key), 'shipped', { expiration: { type: 'EX', value: 86400 } });
      return 'shipped';
    },
    async writePlainInFlight(key) {
      await admin.set(layout.recordKey(key), 'processing', { condition: 'NX', expiration: { type: 'EX', value: 86400 } });
    },
    fixtureStore: { ...target.fixture, keyPrefix, statsPrefix },
    async teardown() {
      await target.drop(admin, keyPrefix);
      await admin.close();
    },
  };
};

for (const target of [single, cluster]) {
  describeStoreContract(target.name, redisHarness(target, {}));
  describeStoreContract(`${target.name} (one script call per message)`, redisHarness(target, { maxBatchSize: 1 }));
}

async function sumBuckets(target: Target, client: AdminClient, prefix: string, consumer: string): Promise<Counters> {
  const totals = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
  for (const key of await target.keys(client, prefix)) {
    if ((await client.ttl(key)) <= 0) throw new Error(`stats bucket ${key} has no TTL`);
    for (const [field, value] of Object.entries(await client.hGetAll(key))) {
      const parsed = parseStatsField(field);
      if (parsed?.consumer === consumer) totals[parsed.counter] += Number(value);
    }
  }
  return totals;
}

describe.each([single, cluster])('$name failed record', (target) => {
  const prefix = testPrefix('idem-failed');
  let client: AdminClient;
  let store: RedisStore;
  beforeAll(async () => {
    const opened = await target.open();
    client = opened;
    store = new RedisStore(opened, { keyPrefix: prefix, statsPrefix: `${prefix}stats:`, inFlightGraceMs: 60_000, cluster: target.cluster });
  });
  afterAll(async () => {
    await target.drop(client, prefix);
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

    const value = (await client.get(store.recordKey('k1')))!;
    expect(value).toMatch(/^\{"fmt":"idemscope","v":1,"status":"failed","consumer":"billing","startedAt":\d+,"failedAt":\d+,"fingerprint":"[0-9a-f]{64}"\}$/);
    const record = JSON.parse(value) as { startedAt: number; failedAt: number };
    expect(record.failedAt).toBeGreaterThanOrEqual(record.startedAt);
    const pttl = await client.pTTL(store.recordKey('k1'));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000 + 60_000);
    expect(await store.get('k1')).toMatchObject({ status: 'failed', format: 'idemscope', consumer: 'billing', failedAt: record.failedAt });
  });

  it('leaves a key alone that is no longer our claim, and still counts the failure', async () => {
    const handle = idempotent(
      async () => {
        await client.set(store.recordKey('k2'), 'taken over meanwhile');
        throw new Error('late failure');
      },
      { store, consumer: 'billing-late', key: () => 'k2' },
    );

    await expect(handle({})).rejects.toThrow('late failure');

    expect(await client.get(store.recordKey('k2'))).toBe('taken over meanwhile');
    const minute = await target.keys(client, `${prefix}stats:m:`);
    const failures = await Promise.all(minute.map((key) => client.hGet(key, 'billing-late|failures')));
    expect(failures.reduce((sum, n) => sum + Number(n ?? 0), 0)).toBe(1);
  });
});

describe.each([single, cluster])('$name finds a claim by its owner', (target) => {
  const prefix = testPrefix('idem-owner');
  let client: AdminClient;
  let store: RedisStore;
  beforeAll(async () => {
    client = await target.open();
    store = new RedisStore(client as AdminClient & ScriptClient, { keyPrefix: prefix, statsPrefix: `${prefix}stats:`, cluster: target.cluster });
  });
  afterAll(async () => {
    await target.drop(client, prefix);
    await client.close();
  });

  /** Claims `key` as owner `o-1`, puts `value(ours)` under it, and says whether completing and releasing the claim still find it. */
  async function finds(key: string, value: (ours: string) => string): Promise<{ completes: boolean; releases: boolean }> {
    const found: boolean[] = [];
    for (const step of ['complete', 'release'] as const) {
      const k = `${key}-${step}`;
      const { claimed } = await store.claim({ key: k, consumer: 'billing', owner: 'o-1', leaseMs: 30_000 });
      const ours = (await client.get(store.recordKey(k)))!;
      await client.set(store.recordKey(k), value(ours), { PX: 60_000 });
      found.push(step === 'complete' ? await store.complete(claimed!, 'done', 60) : await store.release(claimed!));
    }
    return { completes: found[0]!, releases: found[1]! };
  }

  it('completes and releases its own in-flight value', async () => {
    expect(await finds('same', (ours) => ours)).toEqual({ completes: true, releases: true });
  });

  it('does not take an owner that merely starts with its own, nor its owner under another status, for its claim', async () => {
    expect(await finds('longer', (ours) => ours.replace('"owner":"o-1"', '"owner":"o-12"'))).toEqual({ completes: false, releases: false });
    // Same length as "processing", so the owner sits at the very place the scripts look.
    expect(await finds('status', (ours) => ours.replace('"processing"', '"processinG"'))).toEqual({ completes: false, releases: false });
    expect(await finds('elsewhere', (ours) => ours.replace('"owner":"o-1"', '"owner":"o-2","x":"o-1"'))).toEqual({ completes: false, releases: false });
  });
});

describe.each([single, cluster])('$name completion of a large batch', (target) => {
  const prefix = testPrefix('idem-large');
  let client: AdminClient;
  afterAll(async () => {
    await target.drop(client, prefix);
    await client.close();
  });

  it('reads the values of a batch larger than one MGET chunk (256) in order and completes every claim', async () => {
    client = await target.open();
    // One batch of claims and one of completions; on a cluster split over the 16 slot groups, each still over 256.
    const store = new RedisStore(client as AdminClient & ScriptClient, { keyPrefix: prefix, statsPrefix: `${prefix}stats:`, maxBatchSize: 10_000, cluster: target.cluster });
    const keys = Array.from({ length: target.cluster ? 6000 : 600 }, (_, i) => `k${i}`);
    const claims = await Promise.all(keys.map((key, i) => store.claim({ key, consumer: 'bulk', owner: `o-${i}`, leaseMs: 30_000 })));
    // Every other claim is lost before completion: the answers must stay with their own keys.
    await Promise.all(keys.map((key, i) => (i % 2 ? client.set(store.recordKey(key), 'taken') : null)));

    const done = await Promise.all(claims.map((c, i) => store.complete(c.claimed!, `result-${i}`, 60)));

    expect(done).toEqual(keys.map((_, i) => i % 2 === 0));
    const stored = await Promise.all(keys.slice(0, 4).map((key) => store.get(key)));
    expect(stored.map((r) => r?.result)).toEqual(['result-0', 'taken', 'result-2', 'taken']);
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


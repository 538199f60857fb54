import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardConfig } from '../../lib/dashboard/config';
import { readInFlightIndex } from '../../lib/dashboard/in-flight-index';
import { idempotent, RedisStore } from '../../lib/idempotency/index';
import { inFlightIndexKey } from '../../lib/idempotency/stats-keys';
import { clusterTags, companionKey, keySlot } from '../../lib/idempotency/stores/redis-layout';
import { parseKeyPatterns } from '../../lib/records/key-patterns';
import type { StoreSettings } from '../../lib/stores/settings';
import { redisAccess } from '../../lib/stores/redis/access';
import { purgeKeys } from '../../lib/stores/redis/purge';
import { redisReadStore } from '../../lib/stores/redis/read-store';
import { previewKeys, releaseKeys } from '../../lib/stores/redis/release';
import { testConfig } from '../dashboard/helpers/dataset';
import { clusterDeleteByPrefix, newClusterClient, TEST_REDIS_CLUSTER_URLS, type TestRedisCluster } from '../helpers/redis-cluster';
import { testPrefix } from '../helpers/redis-client';
import { crashConsumerMidHandler, sleep } from './harness';

// The in-flight index (#17) on the 3-master Redis Cluster (#13): one sorted set per slot group,
// tagged like the group's records, written by the library's per-group scripts and by the
// dashboard's release and purge, read in full by the dashboard.
const prefix = testPrefix('in-flight-index-cluster');
const keyPrefix = `${prefix}idempotency:`;
const config: DashboardConfig = testConfig(prefix, { keyPatterns: parseKeyPatterns([`${keyPrefix}*=idemscope`]) });
const settings: StoreSettings = { ...config, bulkLimit: 100, purgeBatchSize: 100 };

let cluster: TestRedisCluster;
let store: RedisStore;

beforeAll(async () => {
  cluster = await newClusterClient();
  store = new RedisStore(cluster, { keyPrefix, statsPrefix: config.statsPrefix, cluster: true });
});

afterAll(async () => {
  await clusterDeleteByPrefix(cluster, prefix);
  cluster.destroy();
});

const indexOf = (key: string) => store.inFlightIndexOf(store.layout.tagOf(key));
const dashboardAt = (nowMs: number) => readInFlightIndex({ config, redis: redisReadStore(cluster), now: () => nowMs });

describe('the in-flight index on Redis Cluster', () => {
  it('is one set per slot group, each in the slot of the records it indexes', () => {
    const tags = clusterTags();
    expect(store.inFlightIndexes).toEqual(tags.map((tag) => companionKey(inFlightIndexKey(config.statsPrefix), tag)));
    for (const key of ['a', 'order-17', 'zz-999']) expect(keySlot(indexOf(key))).toBe(keySlot(store.recordKey(key)));
    expect(() => store.inFlightIndex).toThrow(/one in-flight index per slot group/);
  });

  it('holds each claim of a batch spread over groups in its own group set, until the result is written', async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `batch-${i}`);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = 0;
    let allIn!: () => void;
    const inside = new Promise<void>((resolve) => (allIn = resolve));
    const handler = idempotent(
      async (message: { key: string }) => {
        if (++entered === keys.length) allIn();
        await gate;
        return message.key;
      },
      { store, consumer: 'shipping', key: (message: { key: string }) => message.key },
    );
    const running = keys.map((key) => handler.process({ key }));
    await inside;
    const groups = new Set(keys.map((key) => store.layout.tagOf(key)));
    expect(groups.size).toBeGreaterThan(1);
    for (const key of keys) {
      const record = await store.get(key);
      expect(await cluster.zScore(indexOf(key), store.recordKey(key))).toBe(record!.startedAt);
    }
    const live = await dashboardAt(Date.now());
    expect(live!.members).toBe(keys.length);
    expect(live!.byPattern.get(0)!.processing).toBe(keys.length);
    release();
    await Promise.all(running);
    for (const key of keys) expect(await cluster.zScore(indexOf(key), store.recordKey(key))).toBeNull();
    expect((await dashboardAt(Date.now()))!.members).toBe(0);
  });

  it('keeps the claim of a consumer killed mid-handler listed as stuck, and its completion by a redelivery removes it', async () => {
    await crashConsumerMidHandler({
      store: 'redis-cluster',
      url: TEST_REDIS_CLUSTER_URLS.join(','),
      keyPrefix,
      statsPrefix: config.statsPrefix,
      key: 'crashed-1',
      consumer: 'crashed',
      leaseMs: '300',
    });
    const key = store.recordKey('crashed-1');
    const orphan = await store.get('crashed-1');
    expect(orphan).toMatchObject({ status: 'processing', consumer: 'crashed' });
    expect(await cluster.zScore(indexOf('crashed-1'), key)).toBe(orphan!.startedAt);

    const beforeLease = await dashboardAt(orphan!.startedAt!);
    expect(beforeLease!.stuck.map((s) => s.key)).not.toContain(key);
    expect(beforeLease!.byPattern.get(0)!.processing).toBe(1);

    const afterLease = await dashboardAt(orphan!.leaseExpiresAt! + 1);
    expect(afterLease!.stuck).toContainEqual(expect.objectContaining({ key, consumer: 'crashed', stuckReason: 'lease-expired' }));

    // The lease has run out: a redelivery takes the claim over and completes it.
    await sleep(Math.max(0, orphan!.leaseExpiresAt! - Date.now() + 50));
    const retry = idempotent(async () => 'done', { store, consumer: 'crashed', key: () => 'crashed-1' });
    await expect(retry.process({})).resolves.toMatchObject({ outcome: 'takeover' });
    expect(await cluster.zScore(indexOf('crashed-1'), key)).toBeNull();
    const after = await dashboardAt(Date.now());
    expect(after!.stuck.map((s) => s.key)).not.toContain(key);
  });

  it("is left by a claim the dashboard releases or purges, in the record's own group", async () => {
    await store.claim({ key: 'released-1', consumer: 'shipping', owner: 'w1', leaseMs: 60_000 });
    await store.claim({ key: 'purged-1', consumer: 'shipping', owner: 'w1', leaseMs: 60_000 });
    const released = store.recordKey('released-1');
    const purged = store.recordKey('purged-1');
    expect(await cluster.zScore(indexOf('released-1'), released)).not.toBeNull();
    const redis = redisAccess(cluster, settings);
    expect(redis.inFlightIndexOf(released)).toBe(indexOf('released-1'));
    expect(redis.inFlightIndexOf('session:admin')).toBeNull();
    const preview = await previewKeys(redis, [released]);
    expect(await releaseKeys(redis, preview.wouldRelease)).toEqual({ released: [released], skipped: [] });
    expect(await cluster.zScore(indexOf('released-1'), released)).toBeNull();

    await cluster.persist(purged);
    const seen = String(await cluster.sendCommand(purged, false, ['EVAL', "return redis.sha1hex(redis.call('GET', KEYS[1]))", '1', purged]));
    expect(await purgeKeys(redis, 'delete', [{ key: purged, seen }])).toEqual({ purged: [purged], skipped: [] });
    expect(await cluster.zScore(indexOf('purged-1'), purged)).toBeNull();
  });

  it('prunes every group: a member whose key has gone is taken out of its own set', async () => {
    const keys = ['pruned-a', 'pruned-b', 'pruned-c', 'pruned-d'];
    for (const key of keys) await store.claim({ key, consumer: 'shipping', owner: 'w1', leaseMs: 60_000 });
    for (const key of keys) await cluster.del(store.recordKey(key));
    expect(await store.pruneInFlightIndex()).toBeGreaterThanOrEqual(keys.length);
    for (const key of keys) expect(await cluster.zScore(indexOf(key), store.recordKey(key))).toBeNull();
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bucketStart } from '../../lib/idempotency/stats-keys';
import { taggedStatsKey } from '../../lib/idempotency/stores/redis-layout';
import { redisReadStore } from '../../lib/stores/redis/read-store';
import { RedisStore } from '../../lib/idempotency';
import { connectRedisCluster } from '../../lib/stores/redis/connection';
import { redisDedupStore } from '../../lib/stores/redis/dedup-store';
import { clusterActionFixture } from '../actions/setup';
import { newClusterClient } from '../helpers/redis-cluster';
import { dedupStoreContract } from './dedup-store-contract';

// The DedupStore contract once more, over the 3-master cluster: every key is routed to its
// slot's master, and each release is one compare-and-delete script on it.
dedupStoreContract(
  'redis',
  async () => {
    const fixture = await clusterActionFixture('redis_cluster_contract');
    // Nothing listens on port 1.
    const dead = connectRedisCluster(['redis://127.0.0.1:1'], 'unreachable redis cluster (test)');
    const consumers = await newClusterClient();
    const library = new RedisStore(consumers, { keyPrefix: fixture.keyPrefix, statsPrefix: fixture.statsPrefix, cluster: true });
    return {
      fixture,
      store: fixture.stores.redis,
      withSettings: (overrides) => redisDedupStore(fixture.redis, { ...fixture.config, ...overrides }),
      unreachable: redisDedupStore(dead, fixture.config),
      library,
      newKey: () => `order-${randomUUID()}`,
      target: (key) => library.recordKey(key),
      foreignTarget: 'session:admin',
      async close() {
        dead.destroy();
        consumers.destroy();
        await fixture.close();
      },
    };
  },
  { label: 'redis cluster' },
);

describe('a release on the cluster', () => {
  it("counts itself in the counter hashes of the record's own slot group, where the dashboard reads them", async () => {
    const fixture = await clusterActionFixture('redis_cluster_release_count');
    const consumers = await newClusterClient();
    try {
      const library = new RedisStore(consumers, { keyPrefix: fixture.keyPrefix, statsPrefix: fixture.statsPrefix, cluster: true });
      const key = `order-${randomUUID()}`;
      const { claimed } = await library.claim({ key, consumer: 'billing', owner: randomUUID(), leaseMs: 1 });
      expect(claimed).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 10));
      const preview = await fixture.stores.redis.previewRelease({ keys: [library.recordKey(key)] });
      expect(preview.count).toBe(1);
      const { released } = await fixture.stores.redis.release(preview.wouldRelease.map((i) => ({ key: i.key, seen: i.seen })));
      expect(released).toEqual([library.recordKey(key)]);

      const tag = library.layout.tagOf(key);
      const store = redisReadStore(fixture.redis);
      const now = Date.now();
      const minutes = [bucketStart(now, 'm'), bucketStart(now, 'm') - 60];
      const hashes = await store.hashes(minutes.map((m) => taggedStatsKey(fixture.statsPrefix, 'm', m, tag)));
      expect(hashes.reduce((sum, h) => sum + Number(h['billing|releases'] ?? 0), 0)).toBe(1);
    } finally {
      consumers.destroy();
      await fixture.close();
    }
  });
});

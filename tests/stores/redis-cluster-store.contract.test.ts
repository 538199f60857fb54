import { randomUUID } from 'node:crypto';
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

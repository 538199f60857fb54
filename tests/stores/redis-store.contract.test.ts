import { randomUUID } from 'node:crypto';
import { RedisStore } from '../../lib/idempotency';
import { connectRedis } from '../../lib/stores/redis/connection';
import { redisDedupStore } from '../../lib/stores/redis/dedup-store';
import { actionFixture } from '../actions/setup';
import { newRedisClient } from '../helpers/redis-client';
import { dedupStoreContract } from './dedup-store-contract';

dedupStoreContract('redis', async () => {
  const fixture = await actionFixture('redis_contract');
  // Nothing listens on port 1.
  const dead = connectRedis('redis://127.0.0.1:1', 'unreachable redis (test)');
  // The consumers' own connection, so that a completion and a release truly race.
  const consumers = await newRedisClient();
  return {
    fixture,
    store: fixture.stores.redis,
    withSettings: (overrides) => redisDedupStore(fixture.redis, { ...fixture.config, ...overrides }),
    unreachable: redisDedupStore(dead, fixture.config),
    library: new RedisStore(consumers, { keyPrefix: fixture.keyPrefix, statsPrefix: fixture.statsPrefix }),
    newKey: () => `order-${randomUUID()}`,
    target: (key) => fixture.keyPrefix + key,
    foreignTarget: 'session:admin',
    async close() {
      dead.destroy();
      consumers.destroy();
      await fixture.close();
    },
  };
});

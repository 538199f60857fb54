import type { ActionDeps } from '../../lib/actions/deps';
import type { Actor } from '../../lib/actions/run-action';
import { createPrismaClient } from '../../lib/db/prisma';
import type { PrismaClient } from '../../lib/db/generated/client';
import { parseKeyPatterns } from '../../lib/records/key-patterns';
import { createStores } from '../../lib/stores';
import type { StoreSettings } from '../../lib/stores/settings';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import { clusterDeleteByPrefix, newClusterClient, type TestRedisCluster } from '../helpers/redis-cluster';

export interface ActionFixture<R = TestRedisClient> extends ActionDeps {
  database: TestDatabase;
  redis: R;
  prefix: string;
  /** Where the library's RedisStore writes in this file: `<prefix>idempotency:`. */
  keyPrefix: string;
  statsPrefix: string;
  close(): Promise<void>;
}

/** A database, a Redis prefix and store settings of this test file's own. */
export function actionFixture(label: string, overrides: Partial<StoreSettings> = {}): Promise<ActionFixture> {
  return fixtureOver(label, overrides, newRedisClient, deleteByPrefix);
}

/** The same fixture over the test cluster (scripts/redis-cluster.sh) instead of the single node. */
export function clusterActionFixture(label: string, overrides: Partial<StoreSettings> = {}): Promise<ActionFixture<TestRedisCluster>> {
  return fixtureOver(label, overrides, newClusterClient, clusterDeleteByPrefix);
}

async function fixtureOver<R extends TestRedisClient | TestRedisCluster>(
  label: string,
  overrides: Partial<StoreSettings>,
  connect: () => Promise<R>,
  deleteKeys: (redis: R, prefix: string) => Promise<unknown>,
): Promise<ActionFixture<R>> {
  const database = await createTestDatabase(label);
  const db: PrismaClient = createPrismaClient(database.url, 6);
  const redis = await connect();
  const prefix = testPrefix(label);
  const config: StoreSettings = {
    keyPatterns: parseKeyPatterns([`${prefix}idempotency:*=plain`, `${prefix}pt:*=powertools`]),
    statsPrefix: `${prefix}stats:`,
    stuckAfterSeconds: 300,
    plainLockTtlSeconds: 86_400,
    retentionHours: 72,
    bulkLimit: 10_000,
    scanCount: 1000,
    purgeBatchSize: 5000,
    ...overrides,
  };
  return {
    db,
    redis,
    stores: createStores({ redis, db }, config),
    config,
    database,
    prefix,
    keyPrefix: `${prefix}idempotency:`,
    statsPrefix: config.statsPrefix,
    async close() {
      await deleteKeys(redis, prefix);
      redis.destroy();
      await db.$disconnect();
      await database.drop();
    },
  };
}

/** The same fixture with other settings: new stores over the same clients. */
export function withSettings<R extends TestRedisClient | TestRedisCluster>(f: ActionFixture<R>, overrides: Partial<StoreSettings>): ActionFixture<R> {
  const config = { ...f.config, ...overrides };
  return { ...f, config, stores: createStores({ redis: f.redis, db: f.db }, config) };
}

export const operator: Actor = { principal: { role: 'operator', label: 'operator#test0001', via: 'bearer' }, clientAddress: '127.0.0.1' };

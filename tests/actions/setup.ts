import type { Redis } from 'ioredis';
import type { ActionConfig } from '../../lib/actions/config';
import type { ActionDeps } from '../../lib/actions/deps';
import type { Actor } from '../../lib/actions/run-action';
import { createPrismaClient } from '../../lib/db/prisma';
import type { PrismaClient } from '../../lib/db/generated/client';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { deleteByPrefix, newRedis, testPrefix } from '../helpers/redis';

export interface ActionFixture extends ActionDeps {
  database: TestDatabase;
  prefix: string;
  /** Where the library's RedisStore writes in this file: `<prefix>idempotency:`. */
  keyPrefix: string;
  statsPrefix: string;
  close(): Promise<void>;
}

/** A database, a Redis prefix and an ActionConfig of this test file's own. */
export async function actionFixture(label: string, overrides: Partial<ActionConfig> = {}): Promise<ActionFixture> {
  const database = await createTestDatabase(label);
  const db: PrismaClient = createPrismaClient(database.url, 6);
  const redis: Redis = newRedis();
  const prefix = testPrefix(label);
  const config: ActionConfig = {
    keyPatterns: [`${prefix}idempotency:*`, `${prefix}pt:*`],
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
    config,
    database,
    prefix,
    keyPrefix: `${prefix}idempotency:`,
    statsPrefix: config.statsPrefix,
    async close() {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
      await db.$disconnect();
      await database.drop();
    },
  };
}

export const operator: Actor = { principal: { role: 'operator', label: 'operator#test0001', via: 'bearer' }, clientAddress: '127.0.0.1' };

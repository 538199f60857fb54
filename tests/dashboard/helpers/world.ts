import type pg from 'pg';
import type { DashboardConfig } from '../../../lib/dashboard/config';
import { createDashboard } from '../../../lib/dashboard/context';
import type { DashboardDeps } from '../../../lib/dashboard/deps';
import { createPrismaClient } from '../../../lib/db/prisma';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../../helpers/redis-client';
import { connectPg, seedMessages, seedPostgresStats, seedRedis, seedRedisStats, testConfig, type SeededKey, type SeededRow } from './dataset';
import { connectPowertoolsClient, type PowertoolsClient } from './powertools';

/** A seeded Redis prefix and database of the test file's own, and the read side wired over them. */
export interface World {
  prefix: string;
  config: DashboardConfig;
  redis: TestRedisClient;
  pg: pg.Client;
  db: TestDatabase;
  deps: DashboardDeps;
  keys: SeededKey[];
  rows: SeededRow[];
  seededAt: number;
  close(): Promise<void>;
}

export async function createWorld(label: string, overrides: Partial<DashboardConfig> = {}): Promise<World> {
  const prefix = testPrefix(label);
  const config = testConfig(prefix, overrides);
  const redis = await newRedisClient();
  const powertools: PowertoolsClient = await connectPowertoolsClient();
  const db = await createTestDatabase(label);
  const client = await connectPg(db.url);
  const prisma = createPrismaClient(db.url, 4);
  const seededAt = Date.now();
  const keys = await seedRedis(redis, powertools, prefix, seededAt);
  await seedRedisStats(redis, config.statsPrefix, seededAt);
  const rows = await seedMessages(client, seededAt);
  await seedPostgresStats(client, seededAt);
  await powertools.close();
  const deps = createDashboard({ config, redis, db: prisma });
  return {
    prefix,
    config,
    redis,
    pg: client,
    db,
    deps,
    keys,
    rows,
    seededAt,
    async close() {
      await deps.scanner.stop();
      await deleteByPrefix(redis, prefix);
      redis.destroy();
      await client.end();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

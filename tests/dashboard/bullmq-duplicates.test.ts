import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '../../lib/dashboard/context';
import type { DashboardDeps } from '../../lib/dashboard/deps';
import { getDuplicateStats } from '../../lib/dashboard/duplicates';
import { getOverview } from '../../lib/dashboard/overview';
import { createPrismaClient } from '../../lib/db/prisma';
import { parseKeyPatterns } from '../../lib/records/key-patterns';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { deleteByPrefix, newRedisClient, TEST_REDIS_DB, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import { testConfig } from './helpers/dataset';

/** The duplicate-rate chart reads BullMQ's own `deduplicated` events, per queue. */
describe('BullMQ deduplicated events on the duplicate-rate chart', () => {
  let redis: TestRedisClient;
  let database: TestDatabase;
  let prisma: ReturnType<typeof createPrismaClient>;
  let deps: DashboardDeps;
  let prefix: string;
  const queues: Queue[] = [];

  beforeAll(async () => {
    redis = await newRedisClient();
    prefix = testPrefix('bullmq_events');
    database = await createTestDatabase('bullmq_events');
    prisma = createPrismaClient(database.url, 2);
    const connection = { host: '127.0.0.1', port: 6379, db: TEST_REDIS_DB, maxRetriesPerRequest: null };
    const orders = new Queue('orders', { connection, prefix: `${prefix}bull` });
    const mails = new Queue('mails', { connection, prefix: `${prefix}bull` });
    queues.push(orders, mails);
    for (let i = 0; i < 3; i++) await orders.add('o', { i }, { deduplication: { id: 'order-1' } });
    await orders.add('o', {}, { deduplication: { id: 'order-2' } });
    await mails.add('m', {}, { deduplication: { id: 'mail-1' } });
    const config = testConfig(prefix, { keyPatterns: parseKeyPatterns([`${prefix}bull:*:de:*=bullmq`]), statsPrefix: `${prefix}stats:` });
    deps = createDashboard({ config, redis, db: prisma });
  }, 60_000);

  afterAll(async () => {
    await deps.scanner.stop();
    await Promise.all(queues.map((q) => q.close()));
    await deleteByPrefix(redis, prefix);
    redis.destroy();
    await prisma.$disconnect();
    await database.drop();
  });

  it('counts each add as a delivery and each dropped add as a duplicate, per queue, for the queues the last pass saw', async () => {
    const now = Date.now();
    const range = { fromMs: now - 3_600_000, toMs: now + 60_000, bucketSeconds: 3600 * 2, groupByConsumer: true, store: 'redis' as const };
    // Before any keyspace pass no queue is known.
    const before = await getDuplicateStats(deps, range);
    expect(before.filter((p) => p.consumer?.startsWith('bullmq:'))).toEqual([]);

    await getOverview(deps, { fresh: true });
    expect(deps.scanner.snapshot!.bullmqQueues.sort()).toEqual([`${prefix}bull:mails:`, `${prefix}bull:orders:`]);
    const points = await getDuplicateStats(deps, range);
    const total = (consumer: string) =>
      points.filter((p) => p.consumer === consumer).reduce((a, p) => ({ deliveries: a.deliveries + p.deliveries, duplicates: a.duplicates + p.duplicates }), { deliveries: 0, duplicates: 0 });
    expect(total('bullmq:orders')).toEqual({ deliveries: 4, duplicates: 2 });
    expect(total('bullmq:mails')).toEqual({ deliveries: 1, duplicates: 0 });

    const one = await getDuplicateStats(deps, { ...range, consumer: 'bullmq:orders' });
    expect(one.reduce((a, p) => a + p.duplicates, 0)).toBe(2);
    expect(one.every((p) => p.consumer === 'bullmq:orders')).toBe(true);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulationArgs } from '../../lib/simulator/options';
import { runSimulation, type SimulationSummary } from '../../lib/simulator/run';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { deleteByPrefix, keysByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';

const prefix = testPrefix('simulator');
let db: TestDatabase;
let redis: TestRedisClient;
let summary: SimulationSummary;

beforeAll(async () => {
  db = await createTestDatabase('simulator');
  redis = await newRedisClient();
  const options = parseSimulationArgs([
    '--rate', '80', '--duration', '3', '--consumers', '4', '--lease-ms', '600',
    '--rebalance-every', '1', '--plain-rate', '20',
    '--key-prefix', `${prefix}idempotency:`, '--stats-prefix', `${prefix}stats:`,
  ]);
  summary = await runSimulation(options, {
    redis: newRedisClient,
    postgres: () => new pg.Pool({ connectionString: db.url, max: 2 }),
  });
}, 60_000);

afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  await redis.close();
  await db.drop();
});

async function redisCounter(counter: string): Promise<number> {
  let total = 0;
  for (const key of await keysByPrefix(redis, `${prefix}stats:m:`)) total += Number((await redis.hGet(key, `orders-service|${counter}`)) ?? 0);
  return total;
}

async function postgresCounters(): Promise<{ deliveries: number; first: number; duplicates: number; completed: number }> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT coalesce(sum(deliveries), 0)::int FROM delivery_stats WHERE consumer = 'payments-service') AS deliveries,
              (SELECT coalesce(sum(first_deliveries), 0)::int FROM delivery_stats WHERE consumer = 'payments-service') AS first,
              (SELECT coalesce(sum(duplicates), 0)::int FROM delivery_stats WHERE consumer = 'payments-service') AS duplicates,
              (SELECT count(*)::int FROM processed_messages WHERE status = 'completed') AS completed`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('npm run simulate', () => {
  it('brings duplicates, crashes and failures, and every message still has exactly one side effect', () => {
    expect(summary.produced).toBeGreaterThan(150);
    expect(summary.groups.map((g) => g.store).sort()).toEqual(['postgres', 'redis']);
    for (const group of summary.groups) {
      expect(group.uniqueMessages).toBe(summary.produced);
      expect(group.duplicateDeliveries).toBeGreaterThan(0);
      expect(group.crashes + group.failures).toBeGreaterThan(0);
      expect(group.sideEffects).toBe(group.uniqueMessages);
      expect(group.maxSideEffectsPerMessage).toBe(1);
      expect(group.leftInFlight).toBe(0);
    }
    expect(summary.exactlyOnce).toBe(true);
  });

  it('leaves the delivery counters the dashboard charts, equal to what was delivered', async () => {
    const redisGroup = summary.groups.find((g) => g.store === 'redis')!;
    expect(await redisCounter('deliveries')).toBe(redisGroup.deliveries);
    expect((await redisCounter('first')) + (await redisCounter('duplicates'))).toBe(redisGroup.deliveries);

    const pgGroup = summary.groups.find((g) => g.store === 'postgres')!;
    const pgCounters = await postgresCounters();
    expect(pgCounters.deliveries).toBe(pgGroup.deliveries);
    expect(pgCounters.completed).toBe(pgGroup.uniqueMessages);
  });

  // The simulator knows the truth: every delivery of a message after its first is a redelivery
  // (producer retry, rebalance replay, retry after a failure or a crash, nack on a conflict). Every
  // record outlives the run, so each store must count exactly those as duplicates. Exact only
  // while no delivery ended in a store error, which may or may not have reached the store.
  it('counts as duplicates exactly the redeliveries the simulator made, in both stores alike', async () => {
    const redisGroup = summary.groups.find((g) => g.store === 'redis')!;
    const pgGroup = summary.groups.find((g) => g.store === 'postgres')!;
    expect([redisGroup.storeErrors, pgGroup.storeErrors]).toEqual([0, 0]);
    expect(redisGroup.failures).toBeGreaterThan(0);
    expect(pgGroup.failures).toBeGreaterThan(0);

    expect({ first: await redisCounter('first'), duplicates: await redisCounter('duplicates') }).toEqual({
      first: redisGroup.uniqueMessages,
      duplicates: redisGroup.duplicateDeliveries,
    });
    const pgCounters = await postgresCounters();
    expect({ first: pgCounters.first, duplicates: pgCounters.duplicates }).toEqual({
      first: pgGroup.uniqueMessages,
      duplicates: pgGroup.duplicateDeliveries,
    });
  });

  it('writes plain-recipe keys, some stuck in processing and some without a TTL', async () => {
    const { plain } = summary;
    expect(plain.written).toBeGreaterThan(20);
    let processing = 0;
    let noTtl = 0;
    const keys = await keysByPrefix(redis, `${prefix}idempotency:legacy:`);
    for (const key of keys) {
      if ((await redis.get(key)) === 'processing') processing++;
      if ((await redis.ttl(key)) === -1) noTtl++;
    }
    expect(processing).toBe(plain.leftProcessing);
    expect(noTtl).toBe(plain.withoutTtl);
    expect(keys).toHaveLength(plain.written - plain.deletedAfterFailure);
  });
});

describe('a second run over the same stores', () => {
  it('processes its own messages exactly once, untroubled by the first run\'s records', async () => {
    const again = await runSimulation(
      parseSimulationArgs(['--rate', '60', '--duration', '1', '--lease-ms', '600', '--plain-rate', '0',
        '--key-prefix', `${prefix}idempotency:`, '--stats-prefix', `${prefix}stats:`]),
      { redis: newRedisClient, postgres: () => new pg.Pool({ connectionString: db.url, max: 2 }) },
    );
    expect(again.exactlyOnce).toBe(true);
    for (const group of again.groups) {
      expect(group.payloadMismatches).toBe(0);
      expect(group.storeErrors).toBe(0);
      expect(group.sideEffects).toBe(again.produced);
    }
  });
});

describe('simulator arguments', () => {
  it('names an unknown or bad flag', () => {
    expect(() => parseSimulationArgs(['--rat', '5'])).toThrow(/--rat/);
    expect(() => parseSimulationArgs(['--rate', '-1'])).toThrow(/--rate/);
    expect(() => parseSimulationArgs(['--crash', '2'])).toThrow(/--crash/);
    expect(() => parseSimulationArgs(['--duration'])).toThrow(/--duration needs a value/);
  });

  it('has defaults and demo settings', () => {
    expect(parseSimulationArgs([])).toMatchObject({ rate: 50, duration: 10, stores: 'both' });
    expect(parseSimulationArgs(['--demo', '--rate=5'])).toMatchObject({ rate: 5, duration: 0, abandon: 0.1 });
  });
});

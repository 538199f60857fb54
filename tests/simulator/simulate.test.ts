import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulationArgs } from '../../lib/simulator/options';
import { runSimulation, type SimulationSummary } from '../../lib/simulator/run';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { TEST_REDIS_URL, deleteByPrefix, newRedis, testPrefix } from '../helpers/redis';

const prefix = testPrefix('simulator');
let db: TestDatabase;
let redis: Redis;
let summary: SimulationSummary;

beforeAll(async () => {
  db = await createTestDatabase('simulator');
  redis = newRedis();
  const options = parseSimulationArgs([
    '--rate', '80', '--duration', '3', '--consumers', '4', '--lease-ms', '600',
    '--rebalance-every', '1', '--plain-rate', '20',
    '--key-prefix', `${prefix}idempotency:`, '--stats-prefix', `${prefix}stats:`,
  ]);
  summary = await runSimulation(options, {
    redis: () => new Redis(TEST_REDIS_URL),
    postgres: () => new pg.Pool({ connectionString: db.url, max: 2 }),
  });
}, 60_000);

afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  redis.disconnect();
  await db.drop();
});

async function redisCounter(counter: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}stats:m:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) total += Number((await redis.hget(key, `orders-service|${counter}`)) ?? 0);
  } while (cursor !== '0');
  return total;
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
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ deliveries: string; completed: string }>(
      `SELECT (SELECT sum(deliveries) FROM delivery_stats WHERE consumer = 'payments-service') AS deliveries,
              (SELECT count(*) FROM processed_messages WHERE status = 'completed') AS completed`,
    );
    await client.end();
    expect(Number(rows[0]!.deliveries)).toBe(pgGroup.deliveries);
    expect(Number(rows[0]!.completed)).toBe(pgGroup.uniqueMessages);
  });

  it('writes plain-recipe keys, some stuck in processing and some without a TTL', async () => {
    const { plain } = summary;
    expect(plain.written).toBeGreaterThan(20);
    let processing = 0;
    let noTtl = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}idempotency:legacy:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        if ((await redis.get(key)) === 'processing') processing++;
        if ((await redis.ttl(key)) === -1) noTtl++;
      }
    } while (cursor !== '0');
    expect(processing).toBe(plain.leftProcessing);
    expect(noTtl).toBe(plain.withoutTtl);
  });
});

describe('a second run over the same stores', () => {
  it('processes its own messages exactly once, untroubled by the first run\'s records', async () => {
    const again = await runSimulation(
      parseSimulationArgs(['--rate', '60', '--duration', '1', '--lease-ms', '600', '--plain-rate', '0',
        '--key-prefix', `${prefix}idempotency:`, '--stats-prefix', `${prefix}stats:`]),
      { redis: () => new Redis(TEST_REDIS_URL), postgres: () => new pg.Pool({ connectionString: db.url, max: 2 }) },
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

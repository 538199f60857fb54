import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '../../lib/dashboard/context';
import type { DashboardDeps } from '../../lib/dashboard/deps';
import { StoreUnavailableError } from '../../lib/errors';
import { getHealth } from '../../lib/dashboard/health';
import { listKeys } from '../../lib/dashboard/keys';
import { listMessages } from '../../lib/dashboard/messages';
import { getMetrics } from '../../lib/dashboard/metrics/metrics';
import { getOverview } from '../../lib/dashboard/overview';
import { createPrismaClient } from '../../lib/db/prisma';
import { mapError } from '../../lib/http/error-response';
import { createWorld, type World } from './helpers/world';
import { connectRedis, type RedisClient } from '../../lib/stores/redis/connection';

let world: World;
let deadRedis: RedisClient;
let deadPg: ReturnType<typeof createPrismaClient>;
let worldPg: ReturnType<typeof createPrismaClient>;
let redisDown: DashboardDeps;
let postgresDown: DashboardDeps;

const SECRET = 's3cret-pw';

beforeAll(async () => {
  world = await createWorld('unreachable');
  // Nothing listens on port 1; the app's own connection, which keeps trying in the background.
  deadRedis = connectRedis('redis://:' + SECRET + '@127.0.0.1:1', 'dead redis');
  deadPg = createPrismaClient(`postgresql://postgres:${SECRET}@127.0.0.1:1/nowhere`, 1);
  worldPg = createPrismaClient(world.db.url, 2);
  redisDown = createDashboard({ config: world.config, redis: deadRedis, db: worldPg });
  postgresDown = createDashboard({ config: world.config, redis: world.redis, db: deadPg });
});

afterAll(async () => {
  await redisDown.scanner.stop();
  await postgresDown.scanner.stop();
  deadRedis.destroy();
  await deadPg.$disconnect().catch(() => undefined);
  await worldPg.$disconnect();
  await world.close();
});

describe('Redis unreachable', () => {
  it('still answers the overview, with Redis marked unreachable and Postgres complete', async () => {
    const overview = await getOverview(redisDown, { fresh: false });
    expect(overview.redis).toMatchObject({ reachable: false, keys: null, stuck: null });
    expect(overview.redis.error).toBeTruthy();
    expect(overview.health.redis.reachable).toBe(false);
    expect(overview.postgres).toMatchObject({ reachable: true, rows: 12, stuck: 2 });
    expect(overview.deliveries).toMatchObject({ total: 14, stores: ['postgres'] });
    expect(JSON.stringify(overview)).not.toContain(SECRET);
  });

  it('answers 503 for a key listing, and health says degraded', async () => {
    const error = await listKeys(redisDown, { limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(mapError(error).status).toBe(503);
    expect((await getHealth(redisDown)).status).toBe('degraded');
  });

  it('leaves the Redis gauges out of the metrics instead of reporting zeros', async () => {
    const text = await getMetrics(redisDown);
    expect(text).toMatch(/^idemscope_store_up\{store="redis"\} 0$/m);
    expect(text).not.toMatch(/idemscope_stuck\{store="redis"\}/);
    expect(text).toMatch(/^idemscope_stuck\{store="postgres"\} 2$/m);
  });
});

describe('Postgres unreachable', () => {
  it('still answers the overview, with Postgres marked unreachable and Redis complete', async () => {
    const overview = await getOverview(postgresDown, { fresh: true });
    expect(overview.postgres).toMatchObject({ reachable: false, rows: null, stuck: null });
    expect(overview.postgres.error).toBeTruthy();
    expect(overview.redis).toMatchObject({ reachable: true, keys: 23, stuck: 6 });
    expect(overview.deliveries).toMatchObject({ total: 14, stores: ['redis'] });
    expect(overview.oldestStuck.every((s) => s.store === 'redis')).toBe(true);
    expect(JSON.stringify(overview)).not.toContain(SECRET);
  });

  it('answers 503 for a message listing, without the connection string', async () => {
    const error = await listMessages(postgresDown, { limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    const mapped = mapError(error);
    expect(mapped.status).toBe(503);
    expect(JSON.stringify(mapped.body)).not.toContain(SECRET);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardConfig } from '../../lib/dashboard/config';
import { readInFlightIndex } from '../../lib/dashboard/in-flight-index';
import { idempotent, RedisStore } from '../../lib/idempotency/index';
import { inFlightIndexKey } from '../../lib/idempotency/stats-keys';
import { parseKeyPatterns } from '../../lib/records/key-patterns';
import type { StoreSettings } from '../../lib/stores/settings';
import { redisAccess } from '../../lib/stores/redis/access';
import { purgeKeys } from '../../lib/stores/redis/purge';
import { redisReadStore } from '../../lib/stores/redis/read-store';
import { previewKeys, releaseKeys } from '../../lib/stores/redis/release';
import { testConfig } from '../dashboard/helpers/dataset';
import { deleteByPrefix, newRedisClient, testPrefix, TEST_REDIS_URL, type TestRedisClient } from '../helpers/redis-client';
import { crashConsumerMidHandler, sleep } from './harness';

const prefix = testPrefix('in-flight-index');
const keyPrefix = `${prefix}idempotency:`;
const config: DashboardConfig = testConfig(prefix, { keyPatterns: parseKeyPatterns([`${keyPrefix}*=idemscope`]) });
const settings: StoreSettings = { ...config, bulkLimit: 100, purgeBatchSize: 100 };
const index = inFlightIndexKey(config.statsPrefix);

let client: TestRedisClient;
let store: RedisStore;

beforeAll(async () => {
  client = await newRedisClient();
  store = new RedisStore(client, { keyPrefix, statsPrefix: config.statsPrefix });
});

afterAll(async () => {
  await deleteByPrefix(client, prefix);
  await client.close();
});

/** The dashboard's reading of the index at `nowMs`. */
const dashboardAt = (nowMs: number) => readInFlightIndex({ config, redis: redisReadStore(client), now: () => nowMs });

describe('the in-flight index', () => {
  it('is named from the stats prefix, outside every dedup key pattern', () => {
    expect(store.inFlightIndex).toBe(index);
    expect(index.startsWith(config.statsPrefix)).toBe(true);
  });

  it('holds a claim, scored with its claim time, from the claim until its result is written', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const ship = idempotent(
      async () => {
        inside();
        await finished;
        return 'shipped';
      },
      { store, consumer: 'shipping', key: () => 'done-1' },
    );
    const running = ship.process({});
    await entered;
    const record = await store.get('done-1');
    expect(await client.zScore(index, `${keyPrefix}done-1`)).toBe(record!.startedAt);
    finish();
    await expect(running).resolves.toMatchObject({ outcome: 'processed' });
    expect(await client.zScore(index, `${keyPrefix}done-1`)).toBeNull();
  });

  it('lets the failure record of a throwing handler take the claim out', async () => {
    const fail = idempotent(
      async () => {
        throw new Error('gateway down');
      },
      { store, consumer: 'billing', key: () => 'failed-1' },
    );
    await expect(fail.process({})).rejects.toThrow('gateway down');
    expect(await store.get('failed-1')).toMatchObject({ status: 'failed' });
    expect(await client.zScore(index, `${keyPrefix}failed-1`)).toBeNull();
  });

  it('keeps the claim of a consumer killed mid-handler listed as stuck exactly as long as its key exists', async () => {
    const key = `${keyPrefix}crashed-1`;
    await crashConsumerMidHandler({ store: 'redis', url: TEST_REDIS_URL, keyPrefix, statsPrefix: config.statsPrefix, key: 'crashed-1', consumer: 'crashed', leaseMs: '300' });
    const orphan = await store.get('crashed-1');
    expect(orphan).toMatchObject({ status: 'processing', consumer: 'crashed' });
    expect(await client.zScore(index, key)).toBe(orphan!.startedAt);

    const beforeLease = await dashboardAt(orphan!.startedAt!);
    expect(beforeLease!.stuck.map((s) => s.key)).not.toContain(key);
    expect(beforeLease!.byPattern.get(0)!.processing).toBeGreaterThanOrEqual(1);

    const afterLease = await dashboardAt(orphan!.leaseExpiresAt! + 1);
    expect(afterLease!.stuck).toContainEqual(expect.objectContaining({ key, consumer: 'crashed', stuckReason: 'lease-expired' }));

    // The key ends (here by hand; in production its grace runs out): the member stays until
    // pruned, but the dashboard never lists or counts a member whose key has gone.
    await client.pExpire(key, 1);
    await sleep(20);
    expect(await client.exists(key)).toBe(0);
    const gone = await dashboardAt(Date.now());
    expect(gone!.stuck.map((s) => s.key)).not.toContain(key);
    expect(gone!.gone).toBeGreaterThanOrEqual(1);
    expect(await client.zScore(index, key)).not.toBeNull();

    expect(await store.pruneInFlightIndex()).toBeGreaterThanOrEqual(1);
    expect(await client.zScore(index, key)).toBeNull();
  });

  it('is left by a claim the dashboard releases, and the release is counted once', async () => {
    const claimed = await store.claim({ key: 'released-1', consumer: 'shipping', owner: 'w1', leaseMs: 60_000 });
    expect(claimed.claimed).toBeDefined();
    const key = `${keyPrefix}released-1`;
    expect(await client.zScore(index, key)).not.toBeNull();
    const redis = redisAccess(client, settings);
    const preview = await previewKeys(redis, [key]);
    expect(preview.wouldRelease.map((i) => i.key)).toEqual([key]);
    expect(await releaseKeys(redis, preview.wouldRelease)).toEqual({ released: [key], skipped: [] });
    expect(await client.zScore(index, key)).toBeNull();
  });

  it('is left by a key the dashboard purges', async () => {
    await store.claim({ key: 'purged-1', consumer: 'shipping', owner: 'w1', leaseMs: 60_000 });
    const key = `${keyPrefix}purged-1`;
    await client.persist(key);
    const seen = await client.sendCommand<string>(['EVAL', "return redis.sha1hex(redis.call('GET', KEYS[1]))", '1', key]);
    expect(await purgeKeys(redisAccess(client, settings), 'delete', [{ key, seen }])).toEqual({ purged: [key], skipped: [] });
    expect(await client.zScore(index, key)).toBeNull();
  });

  it('prunes a member whose key now holds something else, and keeps one claimed again', async () => {
    await store.claim({ key: 'replaced-1', consumer: 'shipping', owner: 'w1', leaseMs: 60_000 });
    await store.claim({ key: 'kept-1', consumer: 'shipping', owner: 'w1', leaseMs: 60_000 });
    await client.set(`${keyPrefix}replaced-1`, 'shipped by hand');
    expect(await store.pruneInFlightIndex()).toBe(1);
    expect(await client.zScore(index, `${keyPrefix}replaced-1`)).toBeNull();
    expect(await client.zScore(index, `${keyPrefix}kept-1`)).not.toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../../lib/idempotency/index';
import { bucketStart } from '../../lib/idempotency/stats-keys';
import { REDIS_CLUSTER_SLOTS, clusterLayout, clusterTags, keySlot, singleNodeLayout } from '../../lib/idempotency/stores/redis-layout';
import { testPrefix } from '../helpers/redis-client';
import { clusterDeleteByPrefix, clusterKeysByPrefix, newClusterClient, type TestRedisCluster } from '../helpers/redis-cluster';

let cluster: TestRedisCluster;
const prefix = testPrefix('layout');

beforeAll(async () => {
  cluster = await newClusterClient();
});
afterAll(async () => {
  await clusterDeleteByPrefix(cluster, prefix);
  await cluster.close();
});

async function serverSlot(key: string): Promise<number> {
  const node = await cluster.nodeClient(cluster.masters[0]!);
  return Number(await node.sendCommand(['CLUSTER', 'KEYSLOT', key]));
}

describe('redis layout', () => {
  it('computes the slot of a key as the server does, hash tags and multi-byte characters included', async () => {
    const keys = ['order-1', 'idempotency:{g3.a}order-1', '{}x', '{a}{b}', 'a{b', 'ключ-é', '{user1000}.following', ''];
    for (const key of keys) expect(keySlot(key), key).toBe(await serverSlot(key));
  });

  it('spreads the slot groups evenly over the slot range', () => {
    for (const groups of [1, 3, 16, 64]) {
      const slots = clusterTags(groups).map((tag) => keySlot(tag));
      slots.forEach((slot, n) => {
        expect(slot).toBeGreaterThanOrEqual(Math.floor((n * REDIS_CLUSTER_SLOTS) / groups));
        expect(slot).toBeLessThan(Math.floor(((n + 1) * REDIS_CLUSTER_SLOTS) / groups));
      });
    }
    expect(() => clusterTags(0)).toThrow(RangeError);
  });

  it('puts a message key and its companion keys in one slot on a cluster, and changes nothing on a single node', () => {
    const layout = clusterLayout('idempotency:');
    const tag = layout.tagOf('order-7');
    expect(layout.tags).toContain(tag);
    expect(keySlot(layout.recordKey('order-7'))).toBe(keySlot(`idemscope:stats:m:60${tag}`));
    expect(layout.recordKey('order-7')).toBe(`idempotency:${tag}order-7`);
    const keys = Array.from({ length: 2000 }, (_, i) => `m-${i}`);
    const used = new Set(keys.map((key) => layout.tagOf(key)));
    expect(used.size).toBe(16);
    expect(singleNodeLayout('idempotency:').recordKey('order-7')).toBe('idempotency:order-7');
    expect(singleNodeLayout('idempotency:').tagOf('order-7')).toBe('');
  });

  it("counts into the server's minute even when this process's clock is minutes off: the stale call writes nothing and is retried", async () => {
    const store = new RedisStore(cluster, { keyPrefix: prefix, statsPrefix: `${prefix}stats:`, cluster: true });
    const realNow = Date.now.bind(Date);
    const skew = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 7 * 60_000);
    try {
      const claim = await store.claim({ key: 'skewed', consumer: 'c', owner: 'o', leaseMs: 5_000 });
      expect('claimed' in claim).toBe(true);
    } finally {
      skew.mockRestore();
    }
    const minuteKeys = await clusterKeysByPrefix(cluster, `${prefix}stats:m:`);
    expect(minuteKeys).toHaveLength(1);
    const bucket = Number(/m:(\d+)/.exec(minuteKeys[0]!)![1]);
    // The server's minute (this machine's clock, within a minute boundary), never the skewed one.
    expect(Math.abs(bucket - bucketStart(realNow(), 'm'))).toBeLessThanOrEqual(60);
    expect(await cluster.hGet(minuteKeys[0]!, 'c|deliveries')).toBe('1');
  });
});

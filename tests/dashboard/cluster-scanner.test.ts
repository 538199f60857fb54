import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, idempotent } from '../../lib/idempotency';
import { KeyspaceScanner, type ScannerOptions } from '../../lib/scanner/scanner';
import { readRedisBuckets } from '../../lib/dashboard/deliveries/redis-counters';
import { bucketsOf } from '../../lib/dashboard/deliveries/cover';
import { guardedReader } from '../../lib/stores/redis/access';
import type { RedisClusterClient } from '../../lib/stores/redis/connection';
import { redisReadStore } from '../../lib/stores/redis/read-store';
import { testPrefix } from '../helpers/redis-client';
import { clusterDeleteByPrefix, newClusterClient, type TestRedisCluster } from '../helpers/redis-cluster';
import { scannerOptions, testConfig } from './helpers/dataset';

// The read side over the 3-master test cluster (scripts/redis-cluster.sh): the scanner's
// per-master pass, the listing's cursor across masters, the probe, and the library's counters.
let cluster: TestRedisCluster;
const prefix = testPrefix('cluster-scan');
const config = testConfig(prefix, { scanCount: 50 });
const PLAIN = 1500;
const LIBRARY = 300;

const options = (overrides: Partial<ScannerOptions> = {}): ScannerOptions => scannerOptions(config, overrides);

beforeAll(async () => {
  cluster = await newClusterClient();
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < PLAIN; i++) {
    // Every third key in flight (the plain marker), the rest completed results.
    writes.push(cluster.set(`${prefix}idempotency:plain-${i}`, i % 3 === 0 ? 'processing' : '{"ok":true}', { EX: 86_400 }));
  }
  await Promise.all(writes);
  const store = new RedisStore(cluster, { keyPrefix: `${prefix}idempotency:`, statsPrefix: config.statsPrefix, cluster: true });
  const ship = idempotent(async (id: string) => ({ shipped: id }), { store, consumer: 'shipping', key: (id) => id });
  await Promise.all(Array.from({ length: LIBRARY }, (_, i) => ship(`order-${i}`)));
  // Every tenth delivered twice: duplicates.
  await Promise.all(Array.from({ length: LIBRARY / 10 }, (_, i) => ship(`order-${i * 10}`)));
});

afterAll(async () => {
  await clusterDeleteByPrefix(cluster, prefix);
  await cluster.close();
});

describe('the read side on a Redis Cluster', () => {
  it('scans every master in parallel and counts every key exactly once, with per-master progress', async () => {
    const scanner = new KeyspaceScanner(guardedReader(cluster as RedisClusterClient), options());
    const snapshot = await scanner.runPass();

    expect(snapshot.complete).toBe(true);
    expect(snapshot.partialReason).toBeNull();
    expect(snapshot.keys).toBe(PLAIN + LIBRARY);
    expect(snapshot.byState.processing).toBe(PLAIN / 3);
    expect(snapshot.byState.completed).toBe(PLAIN - PLAIN / 3 + LIBRARY);
    expect(snapshot.byFormat.idemscope).toBe(LIBRARY);
    expect(snapshot.nodes).toHaveLength(3);
    expect(snapshot.nodes.every((n) => n.state === 'scanned' && n.error === null)).toBe(true);
    expect(snapshot.nodes.reduce((sum, n) => sum + n.slots!, 0)).toBe(16384);
    expect(snapshot.nodes.reduce((sum, n) => sum + n.keys, 0)).toBe(PLAIN + LIBRARY);
    // Keys spread over all three masters; each holds a real share.
    for (const node of snapshot.nodes) expect(node.keys).toBeGreaterThan((PLAIN + LIBRARY) / 6);
    expect(scanner.status().nodes.map((n) => n.node).sort()).toEqual(snapshot.nodes.map((n) => n.node).sort());
  });

  it('lists every key exactly once with one cursor that walks the masters in turn', async () => {
    const reader = guardedReader(cluster as RedisClusterClient);
    const seen: string[] = [];
    let cursor = '0';
    const cursors = new Set<string>();
    do {
      const step = await reader.scan(`${prefix}idempotency:*`, cursor, 200);
      seen.push(...step.keys.filter((k) => !k.startsWith(config.statsPrefix)));
      cursor = step.cursor;
      cursors.add(cursor.split(':')[0]!);
    } while (cursor !== '0');
    expect(seen).toHaveLength(PLAIN + LIBRARY);
    expect(new Set(seen).size).toBe(PLAIN + LIBRARY);
    expect([...cursors].sort()).toEqual(['0', '1', '2']);
    const [peek] = await reader.peek([`${prefix}idempotency:plain-0`], 64, true);
    expect(peek).toMatchObject({ key: `${prefix}idempotency:plain-0`, bytes: 'processing'.length });
    expect(peek!.head!.toString()).toBe('processing');
  });

  it('sums the probe over the masters and reads the counters of every slot group', async () => {
    const store = redisReadStore(cluster as RedisClusterClient);
    const probe = await store.probe();
    expect(probe.keyspaceSize).toBeGreaterThanOrEqual(PLAIN + LIBRARY);
    expect(probe.usedMemoryBytes).toBeGreaterThan(0);
    expect(store.counterTags).toHaveLength(16);

    const now = Date.now();
    const buckets = await readRedisBuckets(store, config.statsPrefix, bucketsOf('h', now - 2 * 3_600_000, now + 3_600_000), 'shipping');
    const total = buckets.reduce((sum, b) => ({ deliveries: sum.deliveries + b.deliveries, duplicates: sum.duplicates + b.duplicates }), { deliveries: 0, duplicates: 0 });
    expect(total).toEqual({ deliveries: LIBRARY + LIBRARY / 10, duplicates: LIBRARY / 10 });
  });

  it('paces on the busiest master: Redis CPU read on every master, advancing by the largest rise', async () => {
    const store = redisReadStore(cluster as RedisClusterClient);
    // The first reading is every master's baseline.
    expect(await store.cpuSeconds()).toBe(0);
    const before = await Promise.all(cluster.masters.map(async (m) => cpuOf(await cluster.nodeClient(m))));
    const paced = new KeyspaceScanner(guardedReader(cluster as RedisClusterClient), {
      ...options(),
      redisCpuSeconds: store.cpuSeconds,
    });
    await paced.runPass();
    const after = await Promise.all(cluster.masters.map(async (m) => cpuOf(await cluster.nodeClient(m))));
    const reading = await store.cpuSeconds();
    const rises = after.map((cpu, i) => cpu - before[i]!);
    expect(reading).toBeGreaterThan(0);
    // At least the busiest master's rise over the pass, at most the sum of them all.
    expect(reading).toBeGreaterThanOrEqual(Math.max(...rises) - 0.01);
    expect(reading).toBeLessThanOrEqual(rises.reduce((sum, r) => sum + r, 0) + 0.05);
    // Each step is charged the busiest master's rise over its own window; masters are scanned in
    // parallel, so windows overlap and the pass's cost is an upper bound, never zero.
    expect(paced.status().lastPassCost!.cpuSeconds).toBeGreaterThan(0);
  });
});

async function cpuOf(node: { info(section: string): Promise<unknown> }): Promise<number> {
  const info = String(await node.info('cpu'));
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
  return field('used_cpu_sys') + field('used_cpu_user');
}

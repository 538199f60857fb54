import { createCluster, type RedisClusterType } from 'redis';

/**
 * The tests' Redis Cluster: scripts/redis-cluster.sh (started by
 * scripts/ensure-services.sh) on 127.0.0.1:7000-7005. A cluster has only
 * db 0, so tests keep to prefixes of their own as they do on the single node.
 */
export const TEST_REDIS_CLUSTER_URLS = (process.env.TEST_REDIS_CLUSTER_URLS ?? 'redis://127.0.0.1:7000,redis://127.0.0.1:7001,redis://127.0.0.1:7002')
  .split(',')
  .map((url) => url.trim())
  .filter(Boolean);

export type TestRedisCluster = RedisClusterType;

/** A connected cluster client of its own; node clients do not reconnect, so a lost node fails fast. */
export async function newClusterClient(): Promise<TestRedisCluster> {
  const cluster: TestRedisCluster = createCluster({
    rootNodes: TEST_REDIS_CLUSTER_URLS.map((url) => ({ url })),
    defaults: { socket: { connectTimeout: 2000, reconnectStrategy: false } },
  });
  cluster.on('error', () => undefined);
  await cluster.connect();
  return cluster;
}

/** Every key under the prefix on every master, by bounded SCAN, never KEYS. */
export async function clusterKeysByPrefix(cluster: TestRedisCluster, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const master of cluster.masters) {
    const node = await cluster.nodeClient(master);
    for await (const keys of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) found.push(...keys);
  }
  return found;
}

/** Removes every key under the prefix from every master, one key per UNLINK (keys of a step span slots). */
export async function clusterDeleteByPrefix(cluster: TestRedisCluster, prefix: string): Promise<number> {
  let removed = 0;
  for (const master of cluster.masters) {
    const node = await cluster.nodeClient(master);
    for await (const keys of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      const counts = await Promise.all(keys.map((key) => node.unlink(key)));
      removed += counts.reduce((sum, n) => sum + n, 0);
    }
  }
  return removed;
}

import 'server-only';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { env, STORE_DEADLINES } from '../../config/env';
import { describeFailure } from '../../errors';
import { setDeadline } from './deadline';

/** A connection to one Redis node. */
export type RedisNodeClient = RedisClientType;
/** A connection to a Redis Cluster (REDIS_CLUSTER_URLS): commands with a key go to its slot's master. */
export type RedisClusterClient = RedisClusterType;
/** The node-redis client every Redis read and action of the dashboard goes through: one node or a cluster. */
export type RedisClient = RedisNodeClient | RedisClusterClient;

export function isCluster(client: RedisClient): client is RedisClusterClient {
  return 'masters' in client;
}

const RECONNECT_CAP_MS = 2000;

/** Errors are reported once per outage, not once per retry, so a Redis restart does not flood the server log. */
function reportOnce(client: RedisClient, label: string, recovered: string): void {
  let reported = false;
  client.on('error', (error: unknown) => {
    if (reported) return;
    reported = true;
    // One line, no stack: an outage is an expected event, and the URL never reaches the log.
    console.error(`idemscope: ${label} connection error: ${describeFailure(error)}`);
  });
  client.on(recovered, () => {
    reported = false;
  });
}

const socket = (timeoutMs: number) => ({
  connectTimeout: timeoutMs,
  reconnectStrategy: (retries: number) => Math.min((retries + 1) * 200, RECONNECT_CAP_MS),
});

/** A client that connects in the background and keeps reconnecting while Redis is down. */
export function connectRedis(url: string, label = 'redis', timeoutMs: number = STORE_DEADLINES.redisMs): RedisNodeClient {
  const client: RedisNodeClient = createClient({ url, socket: socket(timeoutMs) });
  reportOnce(client, label, 'ready');
  client.connect().catch(() => undefined);
  setDeadline(client, timeoutMs);
  return client;
}

/**
 * A cluster client from seed nodes. It learns the topology from the first
 * seed that answers, and again whenever a node redirects it (MOVED) or fails,
 * so a failover or a slot migration is followed without a restart; each node
 * connection reconnects like a single-node client. The guard (guard.ts)
 * connects it again if no seed answered at start.
 */
export function connectRedisCluster(urls: readonly string[], label = 'redis cluster', timeoutMs: number = STORE_DEADLINES.redisMs): RedisClusterClient {
  const cluster: RedisClusterClient = createCluster({
    rootNodes: urls.map((url) => ({ url })),
    defaults: { socket: socket(timeoutMs) },
  });
  reportOnce(cluster, label, 'connect');
  cluster.on('node-error', () => undefined);
  setDeadline(cluster, timeoutMs);
  return cluster;
}

/** One client for the configured Redis: the cluster of REDIS_CLUSTER_URLS, or the node of REDIS_URL. */
export function connectConfigured(label: string): RedisClient {
  const config = env();
  return config.REDIS_CLUSTER_URLS
    ? connectRedisCluster(config.REDIS_CLUSTER_URLS, `${label} cluster`, config.IDEMSCOPE_REDIS_TIMEOUT_MS)
    : connectRedis(config.REDIS_URL, label, config.IDEMSCOPE_REDIS_TIMEOUT_MS);
}

const holder = globalThis as unknown as { idemscopeRedis?: RedisClient; idemscopeScannerRedis?: RedisClient };

/** The process's Redis connection, on globalThis so that dev reloads reuse it. */
export function redis(): RedisClient {
  holder.idemscopeRedis ??= connectConfigured('redis');
  return holder.idemscopeRedis;
}

/** A connection of the scanner's own, so API commands never queue behind its pipelines. */
export function scannerRedis(): RedisClient {
  holder.idemscopeScannerRedis ??= connectConfigured('redis (scanner)');
  return holder.idemscopeScannerRedis;
}

export async function disconnectRedis(): Promise<void> {
  const clients = [holder.idemscopeRedis, holder.idemscopeScannerRedis];
  holder.idemscopeRedis = holder.idemscopeScannerRedis = undefined;
  await Promise.all(clients.map((c) => (c?.isOpen ? c.destroy() : undefined)));
}

import pg from 'pg';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { env } from '../lib/config/env';
import { formatSummary } from '../lib/simulator/format';
import { parseSimulationArgs } from '../lib/simulator/options';
import { runSimulation } from '../lib/simulator/run';

/**
 * A consumer's own connection. An 'error' event without a listener would end
 * the process, so socket errors are logged while node-redis reconnects.
 */
async function connectRedis(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url });
  client.on('error', (error: Error) => console.error(`simulate: redis: ${error.message}`));
  await client.connect();
  return client;
}

/** The same for a Redis Cluster (REDIS_CLUSTER_URLS): one cluster client per consumer. */
async function connectCluster(urls: string[]): Promise<RedisClusterType> {
  const cluster: RedisClusterType = createCluster({ rootNodes: urls.map((url) => ({ url })) });
  cluster.on('error', (error: Error) => console.error(`simulate: redis cluster: ${error.message}`));
  await cluster.connect();
  return cluster;
}

let options;
try {
  options = parseSimulationArgs(process.argv.slice(2));
} catch (error) {
  console.error(`simulate: ${(error as Error).message}`);
  process.exit(2);
}
const config = env();
const stop = new AbortController();
process.on('SIGINT', () => stop.abort());
process.on('SIGTERM', () => stop.abort());

const summary = await runSimulation(
  { ...options, statsPrefix: options.statsPrefix ?? config.IDEMSCOPE_STATS_PREFIX },
  {
    redis: () => (config.REDIS_CLUSTER_URLS ? connectCluster(config.REDIS_CLUSTER_URLS) : connectRedis(config.REDIS_URL)),
    ...(config.REDIS_CLUSTER_URLS ? { cluster: { slotGroups: config.IDEMSCOPE_CLUSTER_SLOT_GROUPS } } : {}),
    postgres: () => new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 }),
  },
  { signal: stop.signal, log: (line) => console.log(line) },
);
console.log(formatSummary(summary));
process.exit(summary.exactlyOnce ? 0 : 1);

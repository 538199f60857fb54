import 'server-only';
import { env } from '../config/env';
import { prisma } from '../db/prisma';
import { KeyspaceScanner } from '../scanner/scanner';
import type { Db } from '../stores/postgres/db';
import { prismaReadStore } from '../stores/postgres/read-store';
import { redis, scannerRedis, type RedisClient } from '../stores/redis/connection';
import { redisReadStore } from '../stores/redis/read-store';
import { dashboardConfigFromEnv, type DashboardConfig } from './config';
import type { DashboardDeps } from './deps';
import { Memo } from './memo';
import { StoreAvailability } from './availability';
import { DeliveryCounterTracker } from './metrics/counter-tracker';

export interface DashboardParts {
  config: DashboardConfig;
  redis: RedisClient;
  /** A connection of the scanner's own, so API commands never queue behind its pipelines; `redis` when absent. */
  scannerRedis?: RedisClient;
  db: Db;
  now?: () => number;
}

/** Wires the read side over the given clients; tests and the benchmark call this with their own. */
export function createDashboard(parts: DashboardParts): DashboardDeps {
  const { config } = parts;
  const now = parts.now ?? Date.now;
  const redisStore = redisReadStore(parts.redis, config.clusterSlotGroups);
  return {
    config,
    redis: redisStore,
    postgres: prismaReadStore(parts.db, config, now),
    scanner: new KeyspaceScanner(parts.scannerRedis ? redisReadStore(parts.scannerRedis, config.clusterSlotGroups).keyspace : redisStore.keyspace, {
      patterns: config.keyPatterns,
      statsPrefix: config.statsPrefix,
      scanCount: config.scanCount,
      headBytes: config.headBytes,
      stepPauseMs: config.scanStepPauseMs,
      intervalMs: config.scanIntervalSeconds * 1000,
      topStuck: config.topStuck,
      classify: config,
      clock: now,
    }),
    counters: new DeliveryCounterTracker(),
    memo: new Memo(now),
    availability: new StoreAvailability(),
    now,
  };
}

// One per server process, on globalThis so that dev reloads do not start a second scanner.
const holder = globalThis as unknown as { idemscopeDashboard?: DashboardDeps };

/** The process's read side; its scanner starts with the first API request that uses it. */
export function dashboard(): DashboardDeps {
  if (!holder.idemscopeDashboard) {
    holder.idemscopeDashboard = createDashboard({
      config: dashboardConfigFromEnv(env()),
      redis: redis(),
      scannerRedis: scannerRedis(),
      db: prisma(),
    });
    holder.idemscopeDashboard.scanner.start();
  }
  return holder.idemscopeDashboard;
}

/** Stops the process's scanner (the shared Redis and Prisma clients stay; disconnectRedis closes them). */
export async function shutdownDashboard(): Promise<void> {
  await holder.idemscopeDashboard?.scanner.stop();
  holder.idemscopeDashboard = undefined;
}

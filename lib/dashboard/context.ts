import type { Redis } from 'ioredis';
import { env } from '../config/env';
import { prisma } from '../db/prisma';
import { redis } from '../redis/client';
import { KeyspaceScanner } from '../scanner/scanner';
import { dashboardConfigFromEnv, type DashboardConfig } from './config';
import type { DashboardDeps } from './deps';
import { Memo } from './memo';
import { DeliveryCounterTracker } from './metrics/counter-tracker';
import type { Db } from './stores/db';
import { prismaReadStore } from './stores/postgres-store';
import { ioredisReadStore } from './stores/redis-store';

export interface DashboardParts {
  config: DashboardConfig;
  redis: Redis;
  /** A connection of the scanner's own, so API commands never queue behind its pipelines; `redis` when absent. */
  scannerRedis?: Redis;
  db: Db;
  now?: () => number;
}

/** Wires the read side over the given clients; tests and the benchmark call this with their own. */
export function createDashboard(parts: DashboardParts): DashboardDeps {
  const { config } = parts;
  const now = parts.now ?? Date.now;
  const redisStore = ioredisReadStore(parts.redis);
  return {
    config,
    redis: redisStore,
    postgres: prismaReadStore(parts.db),
    scanner: new KeyspaceScanner(parts.scannerRedis ? ioredisReadStore(parts.scannerRedis).keyspace : redisStore.keyspace, {
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
    now,
  };
}

// One per server process, on globalThis so that dev reloads do not start a second scanner.
const holder = globalThis as unknown as { idemscopeDashboard?: DashboardDeps; idemscopeScannerRedis?: Redis };

/** The process's read side; its scanner starts with the first API request that uses it. */
export function dashboard(): DashboardDeps {
  if (!holder.idemscopeDashboard) {
    const client = redis();
    holder.idemscopeScannerRedis = client.duplicate();
    holder.idemscopeDashboard = createDashboard({
      config: dashboardConfigFromEnv(env()),
      redis: client,
      scannerRedis: holder.idemscopeScannerRedis,
      db: prisma(),
    });
    holder.idemscopeDashboard.scanner.start();
  }
  return holder.idemscopeDashboard;
}

/** Stops the process's scanner and closes its connection (the shared Redis and Prisma clients stay). */
export async function shutdownDashboard(): Promise<void> {
  await holder.idemscopeDashboard?.scanner.stop();
  holder.idemscopeScannerRedis?.disconnect();
  holder.idemscopeDashboard = undefined;
  holder.idemscopeScannerRedis = undefined;
}

import 'server-only';
import { env } from '../config/env';
import { prisma } from '../db/prisma';
import { ScanPacer } from '../scanner/pacer';
import { KeyspaceScanner } from '../scanner/scanner';
import type { Db } from '../stores/postgres/db';
import { prismaReadStore } from '../stores/postgres/read-store';
import { redis, scannerRedis, type RedisClient } from '../stores/redis/connection';
import { redisReadStore, type RedisReadStore } from '../stores/redis/read-store';
import { dashboardConfigFromEnv, type DashboardConfig } from './config';
import type { DashboardDeps } from './deps';
import { Memo } from './memo';
import { scannerOptionsFrom } from './scanner-options';
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

/** A viewer who asked for the overview this recently keeps the scanner at full speed. */
export const VIEWER_WINDOW_MS = 60_000;
/** Longest pause after one budgeted step: a step of COUNT 1000 costs Redis milliseconds, far less. */
const MAX_STEP_PAUSE_MS = 10_000;

/** Wires the read side over the given clients; tests and the benchmark call this with their own. */
export function createDashboard(parts: DashboardParts): DashboardDeps {
  const { config } = parts;
  const now = parts.now ?? Date.now;
  const redisStore = redisReadStore(parts.redis, config.clusterSlotGroups);
  const scannerStore = parts.scannerRedis ? redisReadStore(parts.scannerRedis, config.clusterSlotGroups) : redisStore;
  return {
    config,
    redis: redisStore,
    postgres: prismaReadStore(parts.db, config, now),
    scanner: createScanner(config, scannerStore, now),
    counters: new DeliveryCounterTracker(),
    memo: new Memo(now),
    availability: new StoreAvailability(),
    now,
  };
}

/** The background scanner as the dashboard runs it: paced by its budget of Redis's CPU when one is set. */
export function createScanner(config: DashboardConfig, store: RedisReadStore, now: () => number): KeyspaceScanner {
  return new KeyspaceScanner(store.keyspace, {
    ...scannerOptionsFrom(config),
    clock: now,
    ...(config.redisBudgetPercent === undefined
      ? {}
      : {
          pacer: new ScanPacer({
            budgetPercent: config.redisBudgetPercent,
            viewerBudgetPercent: Math.max(config.redisBudgetPercent, config.redisViewerBudgetPercent ?? config.redisBudgetPercent),
            viewerWindowMs: VIEWER_WINDOW_MS,
            stepPauseMs: config.scanStepPauseMs,
            maxStepPauseMs: MAX_STEP_PAUSE_MS,
            intervalMs: config.scanIntervalSeconds * 1000,
            keepAliveMs: (config.scanKeepAliveSeconds ?? config.scanIntervalSeconds) * 1000,
            clock: now,
          }),
          redisCpuSeconds: store.cpuSeconds,
        }),
  });
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

import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/generated/client';
import type { ActionConfig } from './config';

/** The stores and settings an action runs against; routes pass the app's, tests their own. */
export interface ActionDeps {
  db: PrismaClient;
  redis: Redis;
  config: ActionConfig;
}

/** Largest body an action request may have: room for a full bulk confirmation. */
export function maxBodyBytes(config: ActionConfig): number {
  return 64 * 1024 + config.bulkLimit * 1200;
}

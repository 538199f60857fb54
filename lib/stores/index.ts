import type { Database } from '../db/prisma';
import type { RedisClient } from './redis/connection';
import { postgresDedupStore } from './postgres/dedup-store';
import { redisDedupStore } from './redis/dedup-store';
import type { StoreSettings } from './settings';
import type { DedupStores } from './store';

/** Both stores over the given clients; the app passes its own, tests theirs. */
export function createStores(clients: { redis: RedisClient; db: Database }, settings: StoreSettings, now: () => number = Date.now): DedupStores {
  return { redis: redisDedupStore(clients.redis, settings, now), postgres: postgresDedupStore(clients.db, settings, now) };
}

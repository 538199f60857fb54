import type { LuaScript } from '../../idempotency';
import type { StoreSettings } from '../settings';
import type { RedisClient } from './connection';
import { guarded } from './guard';
import { redisKeyspace, type KeyspaceReader } from './keyspace';

/**
 * What the Redis actions are given: the keyspace reader and a script runner,
 * each call under the guard (deadline, fail fast, typed unavailability), and
 * the settings, and the clock every classification uses.
 */
export interface RedisAccess {
  reader: KeyspaceReader;
  run(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  settings: StoreSettings;
  now(): number;
}

export function guardedReader(client: RedisClient): KeyspaceReader {
  const reader = redisKeyspace(client);
  return { scan: guarded(client, reader.scan), peek: guarded(client, reader.peek), follow: guarded(client, reader.follow) };
}

export function redisAccess(client: RedisClient, settings: StoreSettings, now: () => number = Date.now): RedisAccess {
  return {
    reader: guardedReader(client),
    run: guarded(client, (script: LuaScript, keys: string[], args: string[]) => script.run(client, keys, args)),
    settings,
    now,
  };
}

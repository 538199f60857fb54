import type { LuaScript } from '../../idempotency';
import type { StoreSettings } from '../settings';
import { inFlightIndexKey } from '../../idempotency/stats-keys';
import { clusterTags, companionKey, DEFAULT_SLOT_GROUPS, hashTag } from '../../idempotency/stores/redis-layout';
import { isCluster, type RedisClient } from './connection';
import { guarded } from './guard';
import { redisKeyspace, type KeyspaceReader, type NodeReader } from './keyspace';
import { inFlightIndexKeys, inFlightPageReader, type InFlightPageReader } from './in-flight-pages';

/**
 * What the Redis actions are given: the keyspace reader and a script runner,
 * each call under the guard (deadline, fail fast, typed unavailability), and
 * the settings, and the clock every classification uses.
 */
export interface RedisAccess {
  reader: KeyspaceReader;
  run(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /**
   * A script that answers one array entry per key, over many keys: one call
   * on a single node; on a cluster, where a call's keys must share a slot,
   * one call per key (all sent at once, so node-redis pipelines them per
   * master). `argsFor` gets the keys of a call, `leadFor` (if given) the
   * KEYS to declare before them in that call. Replies in key order.
   */
  runEach(
    script: LuaScript,
    keys: string[],
    argsFor: (keys: string[], from: number) => string[],
    leadFor?: (keys: string[]) => string[],
  ): Promise<unknown[]>;
  /**
   * The library's in-flight index that may hold `key`: the one untagged set
   * on a single node; on a cluster the set of the key's slot group
   * (`companionKey(inFlightIndexKey(prefix), tag)`), or null for a key that
   * carries no slot-group tag of the library (never indexed).
   */
  inFlightIndexOf(key: string): string | null;
  /** The library's slot-group tags on a cluster (whose counter hashes a release counts into); null on a single node. */
  clusterTags: readonly string[] | null;
  /** Every in-flight index of the library: the one set on a single node, one per slot group on a cluster. */
  inFlightIndexes: readonly string[];
  /** A page of those indexes after a position (see in-flight-pages.ts), guarded like every call. */
  inFlightPage: InFlightPageReader;
  settings: StoreSettings;
  now(): number;
}

export function guardedReader(client: RedisClient): KeyspaceReader {
  const reader = redisKeyspace(client);
  return {
    ...guardedNode(client, reader),
    shards: guarded(client, async () =>
      (await reader.shards()).map((shard) => ({ ...shard, reader: guardedNode(client, shard.reader) })),
    ),
    refresh: guarded(client, reader.refresh),
  };
}

function guardedNode(client: RedisClient, reader: NodeReader): NodeReader {
  return { scan: guarded(client, reader.scan), peek: guarded(client, reader.peek), follow: guarded(client, reader.follow) };
}

export function redisAccess(client: RedisClient, settings: StoreSettings, now: () => number = Date.now): RedisAccess {
  const run = guarded(client, (script: LuaScript, keys: string[], args: string[]) => script.run(client, keys, args));
  const cluster = isCluster(client);
  const tags = cluster ? clusterTags(settings.clusterSlotGroups ?? DEFAULT_SLOT_GROUPS) : null;
  const answers = (reply: unknown, count: number): unknown[] => {
    // Only an answer for every key counts; anything else is not Redis confirming anything.
    if (!Array.isArray(reply) || reply.length !== count) throw new Error('a script answered for the wrong number of keys');
    return reply;
  };
  return {
    reader: guardedReader(client),
    run,
    async runEach(script, keys, argsFor, leadFor = () => []) {
      if (keys.length === 0) return [];
      if (!cluster) return answers(await run(script, [...leadFor(keys), ...keys], argsFor(keys, 0)), keys.length);
      return Promise.all(keys.map(async (key, i) => answers(await run(script, [...leadFor([key]), key], argsFor([key], i)), 1)[0]));
    },
    inFlightIndexOf(key) {
      const index = inFlightIndexKey(settings.statsPrefix);
      if (!tags) return index;
      const tag = hashTag(key);
      return tags.includes(tag) ? companionKey(index, tag) : null;
    },
    clusterTags: tags,
    inFlightIndexes: inFlightIndexKeys(settings.statsPrefix, tags ?? ['']),
    inFlightPage: guarded(client, inFlightPageReader(client)),
    settings,
    now,
  };
}

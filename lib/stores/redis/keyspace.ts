import type { KeyPeek } from '../../records/examine';
import { createKeyFilter } from '../../records/key-filter';
import type { KeyPattern } from '../../records/key-patterns';
import { isCluster, type RedisClient } from './connection';
import { clusterKeyspace } from './cluster-keyspace';
import { nodeKeyspace } from './key-reads';

export { whenWrongType } from './key-reads';

/**
 * The one way Idemscope reads the dedup keyspace: the scanner, the key
 * listing, the detail view and the actions all scan and peek through it.
 * On a cluster, `scan` walks the masters one after the other (its cursor
 * names the master) and each key read goes to its slot's master; the
 * scanner reads every master in parallel through `shards`.
 */
export interface KeyspaceReader extends NodeReader {
  /** The masters now, each with a reader of its own; one shard, all slots, on a single node. */
  shards(): Promise<KeyspaceShard[]>;
  /** Reads the cluster's topology again (after a node failed); nothing on a single node. */
  refresh(): Promise<void>;
}

/** One master and what it served when listed. */
export interface KeyspaceShard {
  /** `host:port` of the master; `redis` on a single node. */
  node: string;
  /** Slots the master owned when listed; null on a single node (everything). */
  slots: Uint8Array | null;
  /** Reads on this node only: a key that has moved is an error here, never a silent redirect. */
  reader: NodeReader;
}

/** Scan and reads on one node (or routed per key, for the whole keyspace reader). */
export interface NodeReader {
  scan(pattern: string, cursor: string, count: number): Promise<{ cursor: string; keys: string[] }>;
  /**
   * PTTL and the first `headBytes` bytes (plus one, which tells whether there
   * are more) of each key in one round trip; STRLEN too when `measure` is set.
   */
  peek(keys: readonly string[], headBytes: number, measure?: boolean): Promise<KeyPeek[]>;
  /**
   * What records point at (a BullMQ job's hash, lock and queue sets): the
   * formats' read-only commands in one pipelined round trip, a WRONGTYPE
   * reply as null. Anything but the read commands below is refused.
   */
  follow(commands: readonly (readonly string[])[]): Promise<unknown[]>;
}

export function redisKeyspace(client: RedisClient): KeyspaceReader {
  return isCluster(client) ? clusterKeyspace(client) : singleNodeKeyspace(nodeKeyspace(client));
}

/** A single node's reader as a keyspace reader: one shard, itself, owning every slot. */
export function singleNodeKeyspace(reader: NodeReader): KeyspaceReader {
  return {
    ...reader,
    shards: async () => [{ node: 'redis', slots: null, reader }],
    refresh: async () => undefined,
  };
}

/** Keys one action preview may look at before it stops and says it is incomplete. */
export const SCAN_BUDGET = 1_000_000;

export interface ScanOutcome {
  examined: number;
  /** Every pattern was scanned to the end. */
  complete: boolean;
}

/**
 * SCANs each pattern with a bounded COUNT, handing each batch to `visit`
 * until it returns true (enough found), the patterns are exhausted, or
 * `budget` keys were examined. A key matching two patterns is visited once,
 * under the first; keys under the stats prefix are never visited. Patterns
 * that `scans` declines (read another way) are neither scanned nor visited.
 */
export async function scanPatterns(
  reader: KeyspaceReader,
  scope: { keyPatterns: readonly KeyPattern[]; statsPrefix: string; scanCount: number },
  visit: (keys: string[]) => Promise<boolean>,
  budget = SCAN_BUDGET,
  scans: (patternIndex: number) => boolean = () => true,
): Promise<ScanOutcome> {
  const filter = createKeyFilter(scope.keyPatterns, scope.statsPrefix);
  let examined = 0;
  for (const [index, { pattern }] of scope.keyPatterns.entries()) {
    if (!scans(index)) continue;
    let cursor = '0';
    do {
      const step = await reader.scan(pattern, cursor, scope.scanCount);
      cursor = step.cursor;
      examined += step.keys.length;
      const own = step.keys.filter((key) => filter.owns(index, key));
      if (own.length && (await visit(own))) return { examined, complete: false };
      if (examined >= budget) return { examined, complete: false };
    } while (cursor !== '0');
  }
  return { examined, complete: true };
}

/** Whether an action may touch the key at all: under a configured pattern, never a counter hash. */
export function keyMatcher(scope: { keyPatterns: readonly KeyPattern[]; statsPrefix: string }): (key: string) => boolean {
  const filter = createKeyFilter(scope.keyPatterns, scope.statsPrefix);
  return (key) => filter.patternOf(key) >= 0;
}

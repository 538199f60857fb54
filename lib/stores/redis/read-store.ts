import { PTTL_GONE, type KeyPeek } from '../../records/examine';
import { clusterTags, DEFAULT_SLOT_GROUPS } from '../../idempotency/stores/redis-layout';
import { isCluster, type RedisClient, type RedisNodeClient } from './connection';
import { guarded } from './guard';
import { guardedReader } from './access';
import { whenWrongType, type KeyspaceReader } from './keyspace';

export interface RedisProbe {
  latencyMs: number;
  /** DBSIZE */
  keyspaceSize: number;
  /** INFO memory used_memory */
  usedMemoryBytes: number | null;
  /** INFO memory maxmemory (0: no limit) */
  maxMemoryBytes: number | null;
  maxMemoryPolicy: string | null;
}

/** One key, read for the detail view: its type, and a peek of at most `maxBytes` with STRLEN. */
export interface KeyInspection {
  type: string;
  peek: KeyPeek;
}

/** Everything the read side asks of Redis. */
export interface RedisReadStore {
  keyspace: KeyspaceReader;
  /** Tags the library's counter hashes carry: [''] on a single node, one per slot group on a cluster. */
  counterTags: readonly string[];
  probe(): Promise<RedisProbe>;
  /** null when the key does not exist. */
  inspect(key: string, maxBytes: number): Promise<KeyInspection | null>;
  /** HGETALL of each key in one round trip; missing hashes come back empty. */
  hashes(keys: readonly string[]): Promise<Record<string, string>[]>;
  /** XRANGE of a stream between two times (entry ids are milliseconds), at most `count` entries; a missing stream is empty. */
  streamRange(key: string, fromMs: number, toMs: number, count: number): Promise<{ id: string; fields: Record<string, string> }[]>;
}

export function redisReadStore(client: RedisClient, clusterSlotGroups: number = DEFAULT_SLOT_GROUPS): RedisReadStore {
  const keyspace = guardedReader(client);
  return {
    keyspace,
    counterTags: isCluster(client) ? clusterTags(clusterSlotGroups) : [''],

    probe: guarded(client, async () => {
      // On a cluster every master answers; the figures are their sums, the latency the slowest's.
      const nodes: RedisNodeClient[] = isCluster(client) ? await Promise.all(client.masters.map((m) => client.nodeClient(m))) : [client];
      const probes = await Promise.all(nodes.map(probeNode));
      const sum = (pick: (p: RedisProbe) => number | null) =>
        probes.some((p) => pick(p) === null) ? null : probes.reduce((total, p) => total + pick(p)!, 0);
      return {
        latencyMs: Math.max(...probes.map((p) => p.latencyMs)),
        keyspaceSize: sum((p) => p.keyspaceSize)!,
        usedMemoryBytes: sum((p) => p.usedMemoryBytes),
        maxMemoryBytes: sum((p) => p.maxMemoryBytes),
        maxMemoryPolicy: probes[0]?.maxMemoryPolicy ?? null,
      };
    }),

    async inspect(key: string, maxBytes: number) {
      const [peek] = await keyspace.peek([key], maxBytes, true);
      if (!peek || peek.pttlMs === PTTL_GONE) return null;
      const type = peek.head === null ? String(await guarded(client, () => client.type(key))()) : 'string';
      return type === 'none' ? null : { type, peek };
    },

    hashes: guarded(client, async (keys: readonly string[]) => {
      if (keys.length === 0) return [];
      // A key of another type under the stats prefix is not ours to count.
      const none = whenWrongType<Record<string, string>>({});
      return Promise.all(keys.map((key) => client.hGetAll(key).then((hash) => ({ ...hash }) as Record<string, string>, none)));
    }),

    streamRange: guarded(client, async (key: string, fromMs: number, toMs: number, count: number) => {
      const entries = await client.xRange(key, String(fromMs), String(toMs), { COUNT: count }).catch(whenWrongType([]));
      return entries.map((e) => ({ id: String(e.id), fields: { ...(e.message as Record<string, string>) } }));
    }),
  };
}

async function probeNode(client: RedisNodeClient): Promise<RedisProbe> {
  const started = performance.now();
  await client.ping();
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const [size, info] = await Promise.all([client.dbSize(), client.info('memory')]);
  const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(String(info))?.[1] ?? null;
  const number = (name: string) => {
    const value = field(name);
    return value === null ? null : Number(value);
  };
  return {
    latencyMs,
    keyspaceSize: Number(size),
    usedMemoryBytes: number('used_memory'),
    maxMemoryBytes: number('maxmemory'),
    maxMemoryPolicy: field('maxmemory_policy'),
  };
}

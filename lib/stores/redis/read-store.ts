import { PTTL_GONE, type KeyPeek } from '../../records/examine';
import { clusterTags, DEFAULT_SLOT_GROUPS } from '../../idempotency/stores/redis-layout';
import { isCluster, type RedisClient, type RedisNodeClient } from './connection';
import { guarded } from './guard';
import { guardedReader } from './access';
import { whenWrongType, type KeyspaceReader } from './keyspace';
import { inFlightPageReader, type InFlightPageReader } from './in-flight-pages';

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
  /**
   * ZCARD of each of the library's in-flight indexes (one on a single node,
   * one per slot group on a cluster) and the `limit` oldest members of them
   * all by score (the claim's time), in one round trip per index, all sent at
   * once; a missing index is empty, and so is a key of another type there.
   */
  inFlightIndex(indexKeys: readonly string[], limit: number): Promise<{ members: number; oldest: string[] }>;
  /**
   * The next members of the in-flight indexes after a position (score, then
   * member), oldest first, merged over every index, at most `limit`, none
   * scored above `maxScore`: the listings' pages (see in-flight-pages.ts).
   */
  inFlightPage: InFlightPageReader;
  /**
   * Redis's CPU seconds (INFO cpu: used_cpu_sys + used_cpu_user); the
   * scanner's pacing reads it before and after each step. On a single node,
   * since the server started. On a cluster every master is read, and the
   * figure advances between two calls by the largest rise among the masters
   * (a master seen for the first time, e.g. after a failover, counts from
   * its first reading): the scanner paces on the busiest master, an upper
   * bound of each master's share.
   */
  cpuSeconds(): Promise<number>;
  /** XRANGE of a stream between two times (entry ids are milliseconds), at most `count` entries; a missing stream is empty. */
  streamRange(key: string, fromMs: number, toMs: number, count: number): Promise<{ id: string; fields: Record<string, string> }[]>;
}

export function redisReadStore(client: RedisClient, clusterSlotGroups: number = DEFAULT_SLOT_GROUPS): RedisReadStore {
  const keyspace = guardedReader(client);
  // On a cluster: each master's last INFO cpu figure, and the busiest-master total so far.
  const cpuByMaster = new Map<string, number>();
  let clusterCpu = 0;
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

    cpuSeconds: guarded(client, async () => {
      if (!isCluster(client)) return cpuOf(client);
      const readings = await Promise.all(
        client.masters.map(async (m) => [`${m.host}:${m.port}`, await cpuOf(await client.nodeClient(m))] as const),
      );
      let rise = 0;
      for (const [node, cpu] of readings) {
        const before = cpuByMaster.get(node);
        if (before !== undefined) rise = Math.max(rise, cpu - before);
        cpuByMaster.set(node, cpu);
      }
      clusterCpu += rise;
      return clusterCpu;
    }),

    inFlightIndex: guarded(client, async (indexKeys: readonly string[], limit: number) => {
      const count = Math.max(0, limit - 1);
      const parts = await Promise.all(
        indexKeys.map((indexKey) =>
          Promise.all([
            client.zCard(indexKey).catch(whenWrongType(0)),
            client.zRangeWithScores(indexKey, 0, count).catch(whenWrongType([] as { value: string; score: number }[])),
          ]),
        ),
      );
      const members = parts.reduce((sum, [n]) => sum + Number(n), 0);
      const all = parts.flatMap(([, page]) => page.map((m) => ({ value: String(m.value), score: Number(m.score) })));
      // One index: ZRANGE's order already; several: merged oldest first (a stable sort keeps each set's order on ties).
      if (parts.length > 1) all.sort((a, b) => a.score - b.score);
      return { members, oldest: all.slice(0, limit).map((m) => m.value) };
    }),

    inFlightPage: guarded(client, inFlightPageReader(client)),

    streamRange: guarded(client, async (key: string, fromMs: number, toMs: number, count: number) => {
      const entries = await client.xRange(key, String(fromMs), String(toMs), { COUNT: count }).catch(whenWrongType([]));
      return entries.map((e) => ({ id: String(e.id), fields: { ...(e.message as Record<string, string>) } }));
    }),
  };
}

async function cpuOf(client: RedisNodeClient): Promise<number> {
  const info = String(await client.info('cpu'));
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
  const total = field('used_cpu_sys') + field('used_cpu_user');
  // Anything but two numbers is no reading; never pace on a guess.
  if (!Number.isFinite(total)) throw new Error('INFO cpu gave no used_cpu_sys / used_cpu_user');
  return total;
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

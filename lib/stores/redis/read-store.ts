import { PTTL_GONE, type KeyPeek } from '../../records/examine';
import type { RedisClient } from './connection';
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
  probe(): Promise<RedisProbe>;
  /** null when the key does not exist. */
  inspect(key: string, maxBytes: number): Promise<KeyInspection | null>;
  /** HGETALL of each key in one round trip; missing hashes come back empty. */
  hashes(keys: readonly string[]): Promise<Record<string, string>[]>;
  /**
   * ZCARD of the library's in-flight index and its `limit` oldest members, in
   * one round trip; a missing index is empty, and so is a key of another type there.
   */
  inFlightIndex(indexKey: string, limit: number): Promise<{ members: number; oldest: string[] }>;
  /** Redis's CPU seconds since it started (INFO cpu: used_cpu_sys + used_cpu_user); the scanner's pacing reads it. */
  cpuSeconds(): Promise<number>;
  /** XRANGE of a stream between two times (entry ids are milliseconds), at most `count` entries; a missing stream is empty. */
  streamRange(key: string, fromMs: number, toMs: number, count: number): Promise<{ id: string; fields: Record<string, string> }[]>;
}

export function redisReadStore(client: RedisClient): RedisReadStore {
  const keyspace = guardedReader(client);
  return {
    keyspace,

    probe: guarded(client, async () => {
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
      const info = String(await client.info('cpu'));
      const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
      const total = field('used_cpu_sys') + field('used_cpu_user');
      // Anything but two numbers is no reading; never pace on a guess.
      if (!Number.isFinite(total)) throw new Error('INFO cpu gave no used_cpu_sys / used_cpu_user');
      return total;
    }),

    inFlightIndex: guarded(client, async (indexKey: string, limit: number) => {
      const [members, oldest] = await Promise.all([
        client.zCard(indexKey).catch(whenWrongType(0)),
        client.zRange(indexKey, 0, Math.max(0, limit - 1)).catch(whenWrongType([])),
      ]);
      return { members: Number(members), oldest: oldest.map(String) };
    }),

    streamRange: guarded(client, async (key: string, fromMs: number, toMs: number, count: number) => {
      const entries = await client.xRange(key, String(fromMs), String(toMs), { COUNT: count }).catch(whenWrongType([]));
      return entries.map((e) => ({ id: String(e.id), fields: { ...(e.message as Record<string, string>) } }));
    }),
  };
}

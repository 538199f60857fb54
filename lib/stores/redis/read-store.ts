import { PTTL_GONE } from '../../records/examine';
import type { RedisClient } from './connection';
import { guarded } from './guard';
import { guardedReader } from './access';
import { orWrongType, type KeyspaceReader } from './keyspace';

export interface RedisProbe {
  latencyMs: number;
  /** DBSIZE */
  keyspaceSize: number;
  /** INFO memory used_memory */
  usedMemoryBytes: number | null;
}

/** One key, read for the detail view: at most `maxBytes` of its value. */
export interface KeyInspection {
  key: string;
  type: string;
  pttlMs: number;
  /** STRLEN; null for other types. */
  bytes: number | null;
  head: string | null;
  truncated: boolean;
}

/** Everything the read side asks of Redis. */
export interface RedisReadStore {
  keyspace: KeyspaceReader;
  probe(): Promise<RedisProbe>;
  /** null when the key does not exist. */
  inspect(key: string, maxBytes: number): Promise<KeyInspection | null>;
  /** HGETALL of each key in one round trip; missing hashes come back empty. */
  hashes(keys: readonly string[]): Promise<Record<string, string>[]>;
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
      const used = /^used_memory:(\d+)/m.exec(String(info));
      return { latencyMs, keyspaceSize: Number(size), usedMemoryBytes: used ? Number(used[1]) : null };
    }),

    async inspect(key: string, maxBytes: number) {
      const [peek] = await keyspace.peek([key], maxBytes, true);
      if (!peek || peek.pttlMs === PTTL_GONE) return null;
      const type = peek.head === null ? await guarded(client, () => client.type(key))() : 'string';
      if (type === 'none') return null;
      return {
        key,
        type: String(type),
        pttlMs: peek.pttlMs,
        bytes: peek.bytes,
        head: peek.head === null ? null : peek.head.subarray(0, maxBytes).toString('utf8'),
        truncated: peek.head !== null && (peek.bytes ?? 0) > maxBytes,
      };
    },

    hashes: guarded(client, async (keys: readonly string[]) => {
      if (keys.length === 0) return [];
      // A key of another type under the stats prefix is not ours to count.
      return Promise.all(keys.map((key) => orWrongType(client.hGetAll(key).then((hash) => ({ ...hash }) as Record<string, string>), {})));
    }),
  };
}

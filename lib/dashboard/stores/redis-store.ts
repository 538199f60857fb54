import type { Redis } from 'ioredis';
import { ioredisKeyspace, type KeyspaceSource } from '../../scanner/keyspace-source';
import { describeFailure, StoreUnavailableError } from '../../errors';

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
  keyspace: KeyspaceSource;
  probe(): Promise<RedisProbe>;
  /** null when the key does not exist. */
  inspect(key: string, maxBytes: number): Promise<KeyInspection | null>;
  /** HGETALL of each key in one round trip; missing hashes come back empty. */
  hashes(keys: readonly string[]): Promise<Record<string, string>[]>;
}

const READY_TIMEOUT_MS = 2000;

/**
 * Waits briefly for a connection that is still being set up (the first
 * request of a process), and fails at once when Redis is known to be down, so
 * that a page says "unreachable" instead of hanging on queued commands.
 */
async function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'connecting' || client.status === 'connect' || client.status === 'wait') {
    if (client.status === 'wait') void client.connect().catch(() => undefined);
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), READY_TIMEOUT_MS);
      const onReady = () => done(true);
      function done(value: boolean) {
        clearTimeout(timer);
        client.off('ready', onReady);
        resolve(value);
      }
      client.once('ready', onReady);
    });
    if (ok) return;
  }
  throw new StoreUnavailableError('redis', `connection is ${client.status}`);
}

function guard<A extends unknown[], R>(client: Redis, fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    await ready(client);
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError('redis', describeFailure(error), { cause: error });
    }
  };
}

export function ioredisReadStore(client: Redis): RedisReadStore {
  const source = ioredisKeyspace(client);
  return {
    keyspace: { scan: guard(client, source.scan), peek: guard(client, source.peek) },

    probe: guard(client, async () => {
      const started = performance.now();
      await client.ping();
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      const [size, info] = await Promise.all([client.dbsize(), client.info('memory')]);
      const used = /^used_memory:(\d+)/m.exec(info);
      return { latencyMs, keyspaceSize: size, usedMemoryBytes: used ? Number(used[1]) : null };
    }),

    inspect: guard(client, async (key: string, maxBytes: number) => {
      const replies = (await client.pipeline().type(key).pttl(key).strlen(key).getrangeBuffer(key, 0, maxBytes).exec()) ?? [];
      const [[, type], [, pttl], [strlenError, strlen], [rangeError, range]] = replies as [unknown, unknown][] as [
        [Error | null, string],
        [Error | null, number],
        [Error | null, number],
        [Error | null, Buffer],
      ];
      if (type === 'none') return null;
      const bytes = strlenError || rangeError ? null : range;
      return {
        key,
        type,
        pttlMs: Number(pttl),
        bytes: strlenError ? null : Number(strlen),
        head: bytes === null ? null : bytes.subarray(0, maxBytes).toString('utf8'),
        truncated: bytes !== null && bytes.length > maxBytes,
      };
    }),

    hashes: guard(client, async (keys: readonly string[]) => {
      if (keys.length === 0) return [];
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.hgetall(key);
      const replies = (await pipeline.exec()) ?? [];
      // A key of another type under the stats prefix is not ours to count.
      return replies.map(([error, value]) => (error ? {} : (value as Record<string, string>)));
    }),
  };
}

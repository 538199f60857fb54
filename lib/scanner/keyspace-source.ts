import type { Redis } from 'ioredis';

/** What one key looks like from its first bytes, read without ever GETting a whole value. */
export interface KeyPeek {
  key: string;
  /** PTTL: -1 no expiry, -2 gone since SCAN returned it. */
  pttlMs: number;
  /** First bytes of a string value (UTF-8); null for other types (GETRANGE answered WRONGTYPE). */
  head: string | null;
  /** The value is longer than `head`. */
  truncated: boolean;
}

/** The two reads the scanner and the key listing need from Redis. */
export interface KeyspaceSource {
  scan(pattern: string, cursor: string, count: number): Promise<{ cursor: string; keys: string[] }>;
  /** PTTL and GETRANGE 0..headBytes for each key, in one round trip. */
  peek(keys: readonly string[], headBytes: number): Promise<KeyPeek[]>;
}

export const PTTL_GONE = -2;

export function ioredisKeyspace(client: Redis): KeyspaceSource {
  return {
    async scan(pattern, cursor, count) {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      return { cursor: next, keys };
    },
    async peek(keys, headBytes) {
      if (keys.length === 0) return [];
      const pipeline = client.pipeline();
      for (const key of keys) {
        pipeline.pttl(key);
        // One byte more than we keep tells us whether the value is longer.
        pipeline.getrangeBuffer(key, 0, headBytes);
      }
      const replies = (await pipeline.exec()) ?? [];
      return keys.map((key, i) => {
        const [pttlError, pttl] = replies[2 * i] ?? [];
        if (pttlError) throw pttlError;
        const [rangeError, range] = replies[2 * i + 1] ?? [];
        if (rangeError && !String(rangeError.message).startsWith('WRONGTYPE')) throw rangeError;
        const bytes = rangeError ? null : (range as Buffer);
        return {
          key,
          pttlMs: Number(pttl),
          head: bytes === null ? null : bytes.subarray(0, headBytes).toString('utf8'),
          truncated: bytes !== null && bytes.length > headBytes,
        };
      });
    },
  };
}

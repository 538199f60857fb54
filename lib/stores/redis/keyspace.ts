import { RESP_TYPES } from 'redis';
import type { KeyPeek } from '../../records/examine';
import { createKeyFilter } from '../../records/key-filter';
import type { RedisClient } from './connection';

/**
 * The one way Idemscope reads the dedup keyspace: the scanner, the key
 * listing, the detail view and the actions all scan and peek through it.
 */
export interface KeyspaceReader {
  scan(pattern: string, cursor: string, count: number): Promise<{ cursor: string; keys: string[] }>;
  /**
   * PTTL and the first `headBytes` bytes (plus one, which tells whether there
   * are more) of each key in one round trip; STRLEN too when `measure` is set.
   */
  peek(keys: readonly string[], headBytes: number, measure?: boolean): Promise<KeyPeek[]>;
}

const WRONGTYPE = /^WRONGTYPE/;

export function orWrongType<T>(reply: Promise<T>, fallback: T): Promise<T> {
  return reply.catch((error: unknown) => {
    if (error instanceof Error && WRONGTYPE.test(error.message)) return fallback;
    throw error;
  });
}

/**
 * node-redis pipelines every command issued in the same tick into one write,
 * so one peek is one round trip without MULTI's overhead.
 */
export function redisKeyspace(client: RedisClient): KeyspaceReader {
  const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return {
    async scan(pattern, cursor, count) {
      const reply = await client.scan(cursor, { MATCH: pattern, COUNT: count });
      return { cursor: String(reply.cursor), keys: reply.keys.map(String) };
    },
    async peek(keys, headBytes, measure = false) {
      if (keys.length === 0) return [];
      return Promise.all(
        keys.map(async (key) => {
          const [pttl, head, bytes] = await Promise.all([
            client.pTTL(key),
            orWrongType<Buffer | null>(binary.getRange(key, 0, headBytes) as Promise<Buffer>, null),
            measure ? orWrongType<number | null>(client.strLen(key), null) : null,
          ]);
          return { key, pttlMs: Number(pttl), head, bytes: bytes === null ? null : Number(bytes) };
        }),
      );
    },
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
 * under the first; keys under the stats prefix are never visited.
 */
export async function scanPatterns(
  reader: KeyspaceReader,
  scope: { keyPatterns: readonly string[]; statsPrefix: string; scanCount: number },
  visit: (keys: string[]) => Promise<boolean>,
  budget = SCAN_BUDGET,
): Promise<ScanOutcome> {
  const filter = createKeyFilter(scope.keyPatterns, scope.statsPrefix);
  let examined = 0;
  for (const [index, pattern] of scope.keyPatterns.entries()) {
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
export function keyMatcher(scope: { keyPatterns: readonly string[]; statsPrefix: string }): (key: string) => boolean {
  const filter = createKeyFilter(scope.keyPatterns, scope.statsPrefix);
  return (key) => filter.patternOf(key) >= 0;
}

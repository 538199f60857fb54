import { RESP_TYPES } from 'redis';
import type { KeyPeek } from '../../records/examine';
import { createKeyFilter } from '../../records/key-filter';
import type { KeyPattern } from '../../records/key-patterns';
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
  /**
   * What records point at (a BullMQ job's hash, lock and queue sets): the
   * formats' read-only commands in one pipelined round trip, a WRONGTYPE
   * reply as null. Anything but the read commands below is refused.
   */
  follow(commands: readonly (readonly string[])[]): Promise<unknown[]>;
}

/** The commands a format may follow a pointer with: reads, each O(1) or bounded by its own arguments. */
const FOLLOW_COMMANDS = new Set(['EXISTS', 'HMGET', 'PTTL', 'LPOS', 'ZSCORE']);

const WRONGTYPE = /^WRONGTYPE/;

/**
 * A rejection handler that reads WRONGTYPE, and only WRONGTYPE, as `fallback`
 * (a key of another type is no record); any other error is a store error and
 * is thrown on.
 */
export function whenWrongType<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof Error && WRONGTYPE.test(error.message)) return fallback;
    throw error;
  };
}

/** A non-string key answers GETRANGE and STRLEN with WRONGTYPE: no head, no length. */
const nullIfWrongType = whenWrongType(null);

/** GETRANGE replies as Buffers: a value cut mid-character must keep its bytes. */
const AS_BUFFER = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

/**
 * node-redis pipelines every command issued in the same tick into one write,
 * so one peek is one round trip without MULTI's overhead.
 *
 * The scanner peeks a million keys a pass, so this is its hot path: each
 * command goes through sendCommand (PTTL, GETRANGE and STRLEN replies need no
 * transformation), one promise per command, where the typed helpers add an
 * async wrapper and a parser to each. execAsPipeline is not an option: its
 * promise rejects as a whole when one reply is an error, and a hash under the
 * pattern answers GETRANGE with one.
 */
export function redisKeyspace(client: RedisClient): KeyspaceReader {
  return {
    async scan(pattern, cursor, count) {
      const reply = await client.scan(cursor, { MATCH: pattern, COUNT: count });
      return { cursor: String(reply.cursor), keys: reply.keys.map(String) };
    },
    async peek(keys, headBytes, measure = false) {
      if (keys.length === 0) return [];
      const end = String(headBytes);
      const width = measure ? 3 : 2;
      const replies: Promise<unknown>[] = new Array(keys.length * width);
      let at = 0;
      for (const key of keys) {
        replies[at++] = client.sendCommand(['PTTL', key]);
        replies[at++] = client.sendCommand(['GETRANGE', key, '0', end], AS_BUFFER).catch(nullIfWrongType);
        if (measure) replies[at++] = client.sendCommand(['STRLEN', key]).catch(nullIfWrongType);
      }
      const values = await Promise.all(replies);
      const peeks: KeyPeek[] = new Array(keys.length);
      for (let i = 0, j = 0; i < keys.length; i++, j += width) {
        const bytes = measure ? values[j + 2] : null;
        const pttlMs = Number(values[j]);
        // Anything but an integer is no answer about the key; never read it as "gone" or "no TTL".
        if (!Number.isInteger(pttlMs)) throw new Error(`PTTL answered ${String(values[j])}`);
        peeks[i] = {
          key: keys[i]!,
          pttlMs,
          head: values[j + 1] as Buffer | null,
          bytes: bytes === null || bytes === undefined ? null : Number(bytes),
        };
      }
      return peeks;
    },
    async follow(commands) {
      for (const command of commands) {
        if (!FOLLOW_COMMANDS.has(command[0]!)) throw new Error(`not a follow read: ${command[0]}`);
      }
      return Promise.all(commands.map((command) => client.sendCommand([...command]).catch(nullIfWrongType)));
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
  scope: { keyPatterns: readonly KeyPattern[]; statsPrefix: string; scanCount: number },
  visit: (keys: string[]) => Promise<boolean>,
  budget = SCAN_BUDGET,
): Promise<ScanOutcome> {
  const filter = createKeyFilter(scope.keyPatterns, scope.statsPrefix);
  let examined = 0;
  for (const [index, { pattern }] of scope.keyPatterns.entries()) {
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

import { RESP_TYPES } from 'redis';
import type { KeyPeek } from '../../records/examine';
import type { RedisNodeClient } from './connection';
import type { NodeReader } from './keyspace';

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

/** Sends one command about `key`: to the node, or on a cluster to the key's master. */
export type SendKeyCommand = (key: string, args: string[], options?: typeof AS_BUFFER) => Promise<unknown>;

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
export function keyReads(send: SendKeyCommand): Pick<NodeReader, 'peek' | 'follow'> {
  return {
    async peek(keys, headBytes, measure = false) {
      if (keys.length === 0) return [];
      const end = String(headBytes);
      const width = measure ? 3 : 2;
      const replies: Promise<unknown>[] = new Array(keys.length * width);
      let at = 0;
      for (const key of keys) {
        replies[at++] = send(key, ['PTTL', key]);
        replies[at++] = send(key, ['GETRANGE', key, '0', end], AS_BUFFER).catch(nullIfWrongType);
        if (measure) replies[at++] = send(key, ['STRLEN', key]).catch(nullIfWrongType);
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
      return Promise.all(commands.map((command) => send(command[1] ?? '', [...command]).catch(nullIfWrongType)));
    },
  };
}

/** The reader of one node's keys. */
export function nodeKeyspace(client: RedisNodeClient): NodeReader {
  return {
    async scan(pattern, cursor, count) {
      const reply = await client.scan(cursor, { MATCH: pattern, COUNT: count });
      return { cursor: String(reply.cursor), keys: reply.keys.map(String) };
    },
    ...keyReads((_key, args, options) => client.sendCommand(args, options)),
  };
}

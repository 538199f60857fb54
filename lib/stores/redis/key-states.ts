import { createHash } from 'node:crypto';
import type { ClassifiedKey, ClassifyConfig } from '../../records/classify';
import type { DecodedRecord } from '../../records/detect';
import { examine, PTTL_GONE } from '../../records/examine';
import { readerOf } from '../../records/formats';
import { createKeyFilter } from '../../records/key-filter';
import type { KeyPattern } from '../../records/key-patterns';
import type { KeyFormat } from '../../records/states';
import type { SeenState } from '../../contract/actions';
import type { KeyspaceReader } from './keyspace';

/** Bytes read per value: in-flight records are a few hundred bytes, so a longer value is never one. */
export const HEAD_BYTES = 1024;
const PEEK_CHUNK = 1000;

export interface KeyState {
  key: string;
  exists: boolean;
  /** `string`, `none`, or `other` for any non-string type; only strings are records. */
  type: string;
  pttlMs: number;
  bytes: number;
  /** SHA-1 of the whole value when it fits in HEAD_BYTES, as Lua's redis.sha1hex computes it. */
  digest: string | null;
  decoded: DecodedRecord | null;
  classified: ClassifiedKey | null;
  /** The format of the pattern the key is under, which the release script checks it by. */
  keyFormat: KeyFormat;
}

export function sha1Hex(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * What an action needs to know of each key, read through the keyspace
 * reader in chunks of bounded size. The type needs no command of its own:
 * PTTL -2 means no key, and a non-string answers GETRANGE with WRONGTYPE.
 */
export async function readKeyStates(
  reader: KeyspaceReader,
  keys: string[],
  config: ClassifyConfig & { keyPatterns: readonly KeyPattern[]; statsPrefix: string },
  now: number,
): Promise<KeyState[]> {
  const filter = createKeyFilter(config.keyPatterns, config.statsPrefix);
  const formatOf = (key: string): KeyFormat => filter.formatOf(key) ?? 'auto';
  const states: KeyState[] = [];
  for (let i = 0; i < keys.length; i += PEEK_CHUNK) {
    const peeks = await reader.peek(keys.slice(i, i + PEEK_CHUNK), HEAD_BYTES, true);
    const strings = peeks.filter((p) => p.pttlMs !== PTTL_GONE && p.head !== null);
    const byKey = new Map((await examine(strings, HEAD_BYTES, now, config, formatOf, reader.follow)).map((e) => [e.key, e]));
    for (const peek of peeks) {
      const keyFormat = formatOf(peek.key);
      const entry = byKey.get(peek.key);
      if (peek.pttlMs === PTTL_GONE) {
        states.push({ key: peek.key, exists: false, type: 'none', pttlMs: peek.pttlMs, bytes: 0, digest: null, decoded: null, classified: null, keyFormat });
      } else if (peek.head === null || !entry) {
        // Another type, or a helper key (a Powertools lock) that is part of a record, not one.
        states.push({ key: peek.key, exists: true, type: peek.head === null ? 'other' : 'string', pttlMs: peek.pttlMs, bytes: peek.bytes ?? 0, digest: null, decoded: null, classified: null, keyFormat });
      } else {
        const { decoded, key, pttlMs, ...classified } = entry;
        const bytes = peek.bytes ?? 0;
        const whole = bytes <= HEAD_BYTES;
        states.push({ key, exists: true, type: 'string', pttlMs, bytes, digest: whole ? sha1Hex(peek.head) : null, decoded, classified, keyFormat });
      }
    }
  }
  return states;
}

/** Whether the record's own format lets an operator release it (claims in flight; BullMQ: stray keys only). */
export function isReleasable(state: KeyState): boolean {
  if (!state.decoded || !state.classified) return false;
  return readerOf(state.decoded.format)?.releasable(state.decoded, state.classified) ?? false;
}

export function seenStateOf(state: KeyState): SeenState {
  const decoded = state.decoded;
  const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  return {
    format: decoded?.format ?? 'unknown',
    state: state.classified?.state ?? 'unrecognized',
    consumer: decoded?.consumer ?? null,
    owner: decoded?.owner ?? null,
    ageSeconds: state.classified?.ageSeconds ?? null,
    ttlSeconds: state.classified?.ttlSeconds ?? null,
    startedAt: iso(decoded?.startedAtMs),
    leaseExpiresAt: iso(decoded?.leaseExpiresAtMs),
    bytes: state.bytes,
  };
}

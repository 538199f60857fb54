import { createHash } from 'node:crypto';
import type { ClassifiedKey, ClassifyConfig } from '../../records/classify';
import type { DecodedRecord } from '../../records/detect';
import { examineKey, PTTL_GONE } from '../../records/examine';
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
}

export function sha1Hex(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * What an action needs to know of each key, read through the keyspace
 * reader in chunks of bounded size. The type needs no command of its own:
 * PTTL -2 means no key, and a non-string answers GETRANGE with WRONGTYPE.
 */
export async function readKeyStates(reader: KeyspaceReader, keys: string[], config: ClassifyConfig, now: number): Promise<KeyState[]> {
  const states: KeyState[] = [];
  for (let i = 0; i < keys.length; i += PEEK_CHUNK) {
    for (const peek of await reader.peek(keys.slice(i, i + PEEK_CHUNK), HEAD_BYTES, true)) {
      if (peek.pttlMs === PTTL_GONE) {
        states.push({ key: peek.key, exists: false, type: 'none', pttlMs: peek.pttlMs, bytes: 0, digest: null, decoded: null, classified: null });
      } else if (peek.head === null) {
        states.push({ key: peek.key, exists: true, type: 'other', pttlMs: peek.pttlMs, bytes: 0, digest: null, decoded: null, classified: null });
      } else {
        const { decoded, key, pttlMs, ...classified } = examineKey(peek, HEAD_BYTES, now, config);
        const bytes = peek.bytes ?? 0;
        const whole = bytes <= HEAD_BYTES;
        states.push({ key, exists: true, type: 'string', pttlMs, bytes, digest: whole ? sha1Hex(peek.head) : null, decoded, classified });
      }
    }
  }
  return states;
}

export function isInFlight(state: KeyState): boolean {
  return state.classified?.state === 'processing' || state.classified?.state === 'stuck';
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

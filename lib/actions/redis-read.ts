import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { classifyKey, type ClassifiedKey } from '../records/classify';
import { decodeValue, type DecodedRecord } from '../records/detect';
import type { ActionConfig } from './config';
import type { SeenState } from '../contract/actions';

/** Bytes read per value: in-flight records are a few hundred bytes, so a longer value is never one. */
export const HEAD_BYTES = 1024;
const PIPELINE_KEYS = 1000;

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
 * PTTL, STRLEN and the head of each value, in pipelines of bounded size. The
 * type needs no command of its own: PTTL -2 means no key, and STRLEN fails
 * with WRONGTYPE on anything but a string.
 */
export async function readKeyStates(redis: Redis, keys: string[], config: ActionConfig, now = Date.now()): Promise<KeyState[]> {
  const states: KeyState[] = [];
  for (let i = 0; i < keys.length; i += PIPELINE_KEYS) {
    const chunk = keys.slice(i, i + PIPELINE_KEYS);
    const pipeline = redis.pipeline();
    for (const key of chunk) pipeline.pttl(key).strlen(key).getrangeBuffer(key, 0, HEAD_BYTES - 1);
    const replies = (await pipeline.exec()) ?? [];
    chunk.forEach((key, j) => {
      const [[, pttl], [lengthError, strlen], [, head]] = replies.slice(j * 3, j * 3 + 3) as [[unknown, unknown], [unknown, unknown], [unknown, unknown]];
      const pttlMs = Number(pttl ?? -2);
      const type = pttlMs === -2 ? 'none' : lengthError ? 'other' : 'string';
      states.push(toKeyState(key, type, pttlMs, Number(strlen ?? 0), (head as Buffer | null) ?? null, config, now));
    });
  }
  return states;
}

function toKeyState(key: string, type: string, pttlMs: number, bytes: number, head: Buffer | null, config: ActionConfig, now: number): KeyState {
  if (type === 'none') return { key, exists: false, type, pttlMs, bytes: 0, digest: null, decoded: null, classified: null };
  if (type !== 'string' || !head) return { key, exists: true, type, pttlMs, bytes, digest: null, decoded: null, classified: null };
  const whole = bytes <= HEAD_BYTES;
  const decoded = decodeValue(head.toString('utf8'), !whole);
  return {
    key,
    exists: true,
    type,
    pttlMs,
    bytes,
    digest: whole ? sha1Hex(head) : null,
    decoded,
    classified: classifyKey(decoded, pttlMs, now, { stuckAfterSeconds: config.stuckAfterSeconds, plainLockTtlSeconds: config.plainLockTtlSeconds }),
  };
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

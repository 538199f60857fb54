import { classifyKey, type ClassifiedKey, type ClassifyConfig } from '../records/classify';
import { decodeValue, type DecodedRecord } from '../records/detect';
import { PTTL_GONE, type KeyPeek } from './keyspace-source';

export interface ExaminedKey extends ClassifiedKey {
  key: string;
  decoded: DecodedRecord;
  pttlMs: number;
}

const NOT_A_STRING: DecodedRecord = decodeValue('', false);

/**
 * Powertools guards an orphaned record with a short-lived `<key>:lock` = `true`
 * helper key; it is part of a record, not a record of its own.
 */
function isPowertoolsLock(peek: KeyPeek): boolean {
  return peek.head === 'true' && peek.key.endsWith(':lock') && peek.key.includes('#');
}

/** Classifies peeked keys; keys that vanished since SCAN and helper keys are dropped. */
export function examine(peeks: readonly KeyPeek[], nowMs: number, config: ClassifyConfig): ExaminedKey[] {
  const out: ExaminedKey[] = [];
  for (const peek of peeks) {
    if (peek.pttlMs === PTTL_GONE || isPowertoolsLock(peek)) continue;
    const decoded = peek.head === null ? NOT_A_STRING : decodeValue(peek.head, peek.truncated);
    out.push({ key: peek.key, decoded, pttlMs: peek.pttlMs, ...classifyKey(decoded, peek.pttlMs, nowMs, config) });
  }
  return out;
}

import type { ClassifiedKey } from './classify';
import type { DecodedRecord } from './detect';
import { FORMAT_READERS } from './formats';
import { keyPatternText, type KeyPattern } from './key-patterns';
import type { StuckReason } from './states';

/** Why a key was read as the format it was: shown on record pages and in GET /api/v1/keys/<key>. */
export function formatReason(pattern: KeyPattern, decoded: DecodedRecord): string {
  const entry = keyPatternText(pattern);
  if (pattern.format === 'auto') {
    if (decoded.format === 'unknown') {
      return `pattern ${entry} is auto and the value carries no known format's signature; declare the pattern's format (${entry}=<format>) to read it`;
    }
    return `pattern ${entry} is auto and the value matched the ${decoded.format} signature: ${FORMAT_READERS[decoded.format].signature}`;
  }
  const declared = `pattern ${entry} declares ${pattern.format}`;
  if (decoded.format === 'unknown') return `${declared}, but the value is not a ${pattern.format} record`;
  if (decoded.format !== pattern.format) return `${declared}, which also reads the value as its own ${decoded.format} record (${FORMAT_READERS[decoded.format].signature})`;
  return declared;
}

const STUCK: Record<StuckReason, string> = {
  'older-than-threshold': 'in flight for longer than the stuck threshold',
  'lease-expired': "the claim's lease has run out and nobody took it over",
  'no-ttl': 'the claim has no TTL: nothing will ever release it',
  'no-lease': 'the in-progress record has no lease expiry: nothing will ever release it',
  stalled:
    "the job is active but its worker's lock is gone (the worker died or stalled); BullMQ's stall checker moves it back to wait or fails it once a worker runs. Idemscope does not release it",
  'stray-finished':
    'the job has finished but its dedup key (no TTL) was left behind: every add with this deduplication id is dropped until the key is deleted (BullMQ issue 4311). Releasing deletes the key if it still holds this job id',
  'stray-gone':
    'the job this dedup key (no TTL) names no longer exists. BullMQ 6 replaces such a key on the next add; BullMQ 5 drops every add with this deduplication id while it stays. Releasing deletes the key if it still holds this job id',
};

/** What a state means where the state alone does not say it. */
export function explainState(classified: ClassifiedKey, decoded: DecodedRecord): string | null {
  if (classified.stuckReason !== null) return STUCK[classified.stuckReason];
  if (decoded.format !== 'bullmq' || decoded.nativeState === null) return null;
  if (classified.state === 'processing') return `BullMQ job ${decoded.pointer} is ${decoded.nativeState}; adds with this deduplication id are dropped until it finishes`;
  return `throttle window: the job ${decoded.nativeState === 'gone' ? 'was removed' : `is ${decoded.nativeState}`}, and adds with this deduplication id are dropped until the key's TTL ends`;
}

/** For an auto pattern whose values went unrecognized: what to declare. */
export function patternSuggestion(pattern: KeyPattern, unrecognized: number): string | null {
  if (pattern.declared || unrecognized === 0) return null;
  const looksBull = /:de:/.test(pattern.pattern) || /^bull:/.test(pattern.pattern);
  const hint = looksBull ? `${pattern.pattern}=bullmq` : `${pattern.pattern}=<format>`;
  return `${unrecognized} value(s) under ${pattern.pattern} match no known format; declare the pattern's format in IDEMSCOPE_KEY_PATTERNS, e.g. ${hint} (formats: plain, idemscope, powertools, bullmq, node-idempotency)`;
}

import { ageFromTtl, classifyClaim, inFlightReleasable, type ClaimRules } from './claim';
import type { FormatReader } from './format';
import { idemscope } from './idemscope';
import { powertools } from './powertools';
import { UNRECOGNIZED, type DecodedRecord } from './record';

/** The plain recipe's claim marker: `SET key processing NX EX <ttl>`. */
export const PLAIN_IN_FLIGHT = 'processing';

const IN_FLIGHT: DecodedRecord = { ...UNRECOGNIZED, format: 'plain', kind: 'in-flight' };

/** A stored result, shared by every key that holds one, as IN_FLIGHT is: the scanner decodes a million a pass. */
const COMPLETED: DecodedRecord = { ...UNRECOGNIZED, format: 'plain', kind: 'completed' };
const COMPLETED_TRUNCATED: DecodedRecord = { ...COMPLETED, truncated: true };
const NOT_JSON: DecodedRecord = UNRECOGNIZED;
const NOT_JSON_TRUNCATED: DecodedRecord = { ...UNRECOGNIZED, truncated: true };

const RULES: ClaimRules = {
  ageMs: (_r, pttl, _now, config) => ageFromTtl(pttl, config.plainLockTtlSeconds),
  // A claim without TTL is never released.
  orphaned: (_r, ageMs) => (ageMs === null ? 'no-ttl' : null),
};

/**
 * The plain recipe: `SET key processing NX EX <ttl>`, then the handler's
 * JSON result. Only the marker is a signature; under a pattern declared
 * plain, our own and Powertools records are still read as themselves and
 * any other JSON is the handler's stored result.
 */
export const plain: FormatReader = {
  format: 'plain',
  signature: 'the whole value is the marker "processing"',
  detect(value) {
    return !value.truncated && value.text === PLAIN_IN_FLIGHT ? IN_FLIGHT : null;
  },
  decode(value) {
    const marker = plain.detect(value);
    if (marker) return marker;
    if (value.fields() === null) return value.truncated ? NOT_JSON_TRUNCATED : NOT_JSON;
    return idemscope.detect(value) ?? powertools.detect(value) ?? (value.truncated ? COMPLETED_TRUNCATED : COMPLETED);
  },
  classify(record, pttlMs, nowMs, config) {
    return classifyClaim(record, pttlMs, nowMs, config, RULES);
  },
  releasable: inFlightReleasable,
};

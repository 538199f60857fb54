import { ageFromTtl, classifyClaim, inFlightReleasable } from './claim';
import type { FormatReader } from './format';
import { idemscope } from './idemscope';
import { powertools } from './powertools';
import { UNRECOGNIZED, type DecodedRecord } from './record';

/** The plain recipe's claim marker: `SET key processing NX EX <ttl>`. */
export const PLAIN_IN_FLIGHT = 'processing';

const IN_FLIGHT: DecodedRecord = { ...UNRECOGNIZED, format: 'plain', kind: 'in-flight' };

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
    if (value.fields() === null) return { ...UNRECOGNIZED, truncated: value.truncated };
    return idemscope.detect(value) ?? powertools.detect(value) ?? { ...UNRECOGNIZED, format: 'plain', kind: 'completed', truncated: value.truncated };
  },
  classify(record, pttlMs, nowMs, config) {
    return classifyClaim(record, pttlMs, nowMs, config, {
      ageMs: (_r, pttl) => ageFromTtl(pttl, config.plainLockTtlSeconds),
      // A claim without TTL is never released.
      orphaned: (_r, ageMs) => (ageMs === null ? 'no-ttl' : null),
    });
  },
  releasable: inFlightReleasable,
};

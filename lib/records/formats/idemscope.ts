import { classifyClaim, inFlightReleasable, type ClaimRules } from './claim';
import type { FormatReader } from './format';
import { num, str, UNRECOGNIZED, type DecodedRecord, type ValueView } from './record';

const HEAD = /^\s*\{\s*"fmt"\s*:\s*"idemscope"/;

/** Idemscope's own records (lib/idempotency): `{"fmt":"idemscope","status":…}`. */
export const idemscope: FormatReader = {
  format: 'idemscope',
  signature: 'the value starts with {"fmt":"idemscope"',
  detect(value) {
    if (!HEAD.test(value.text)) return null;
    const fields = value.fields();
    return fields === null ? null : decodeFields(fields, value.truncated);
  },
  decode(value) {
    return idemscope.detect(value) ?? { ...UNRECOGNIZED, truncated: value.truncated };
  },
  classify(record, pttlMs, nowMs, config) {
    return classifyClaim(record, pttlMs, nowMs, config, RULES);
  },
  releasable: inFlightReleasable,
};

const RULES: ClaimRules = {
  ageMs: (r, _pttl, nowMs) => (r.startedAtMs === null ? null : Math.max(0, nowMs - r.startedAtMs)),
  orphaned: () => null,
};

function decodeFields(fields: NonNullable<ReturnType<ValueView['fields']>>, truncated: boolean): DecodedRecord {
  const status = fields.get('status');
  const startedAtMs = num(fields.get('startedAt'));
  const leaseExpiresAtMs = num(fields.get('leaseExpiresAt'));
  let kind: DecodedRecord['kind'];
  if (status === 'completed') kind = 'completed';
  else if (status === 'failed') kind = 'failed';
  // An in-flight record is small; one without its timing facts is not ours to judge.
  else if (status === 'processing' && startedAtMs !== null && leaseExpiresAtMs !== null) kind = 'in-flight';
  else return { ...UNRECOGNIZED, truncated };
  // Every field named, in one object: two spreads per key were a good part of the scanner's decoding.
  return {
    format: 'idemscope',
    kind,
    owner: str(fields.get('owner')),
    consumer: str(fields.get('consumer')),
    startedAtMs,
    leaseExpiresAtMs,
    completedAtMs: num(fields.get('completedAt')),
    failedAtMs: num(fields.get('failedAt')),
    expiresAtMs: null,
    fingerprint: str(fields.get('fingerprint')),
    pointer: null,
    nativeState: null,
    locked: null,
    truncated,
  };
}

import { classifyClaim, inFlightReleasable } from './claim';
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
    return classifyClaim(record, pttlMs, nowMs, config, {
      ageMs: (r) => (r.startedAtMs === null ? null : Math.max(0, nowMs - r.startedAtMs)),
      orphaned: () => null,
    });
  },
  releasable: inFlightReleasable,
};

function decodeFields(fields: NonNullable<ReturnType<ValueView['fields']>>, truncated: boolean): DecodedRecord {
  const status = fields.get('status');
  const base: DecodedRecord = {
    ...UNRECOGNIZED,
    format: 'idemscope',
    owner: str(fields.get('owner')),
    consumer: str(fields.get('consumer')),
    startedAtMs: num(fields.get('startedAt')),
    leaseExpiresAtMs: num(fields.get('leaseExpiresAt')),
    completedAtMs: num(fields.get('completedAt')),
    failedAtMs: num(fields.get('failedAt')),
    fingerprint: str(fields.get('fingerprint')),
    truncated,
  };
  if (status === 'completed') return { ...base, kind: 'completed' };
  if (status === 'failed') return { ...base, kind: 'failed' };
  // An in-flight record is small; one without its timing facts is not ours to judge.
  if (status === 'processing' && base.startedAtMs !== null && base.leaseExpiresAtMs !== null) {
    return { ...base, kind: 'in-flight' };
  }
  return { ...UNRECOGNIZED, truncated };
}

import { classifyClaim, inFlightReleasable, type ClaimRules } from './claim';
import type { FormatReader } from './format';
import { num, str, UNRECOGNIZED } from './record';

const STATUS = new Set(['INPROGRESS', 'COMPLETED']);

const RULES: ClaimRules = {
  ageMs: () => null,
  // Powertools treats an INPROGRESS record without in_progress_expiration as orphaned and takes it over.
  orphaned: (r) => (r.leaseExpiresAtMs === null ? 'no-lease' : null),
};

/** AWS Lambda Powertools idempotency records: `{"status":"INPROGRESS"|"COMPLETED","expiration":<s>,…}`. */
export const powertools: FormatReader = {
  format: 'powertools',
  signature: 'status INPROGRESS or COMPLETED with a numeric expiration',
  detect(value) {
    const fields = value.fields();
    if (fields === null || !STATUS.has(fields.get('status') as string) || typeof fields.get('expiration') !== 'number') return null;
    // A number, as checked above; JSON has no infinities.
    const expiration = fields.get('expiration') as number;
    return {
      format: 'powertools',
      kind: fields.get('status') === 'INPROGRESS' ? 'in-flight' : 'completed',
      owner: null,
      consumer: null,
      startedAtMs: null,
      leaseExpiresAtMs: num(fields.get('in_progress_expiration')),
      completedAtMs: null,
      failedAtMs: null,
      expiresAtMs: expiration * 1000,
      fingerprint: str(fields.get('validation')) || null,
      pointer: null,
      nativeState: null,
      locked: null,
      truncated: value.truncated,
    };
  },
  decode(value) {
    return powertools.detect(value) ?? { ...UNRECOGNIZED, truncated: value.truncated };
  },
  classify(record, pttlMs, nowMs, config) {
    return classifyClaim(record, pttlMs, nowMs, config, RULES);
  },
  releasable: inFlightReleasable,
};

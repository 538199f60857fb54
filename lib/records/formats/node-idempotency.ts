import { ageFromTtl, classifyClaim, inFlightReleasable, type ClaimRules } from './claim';
import type { FormatReader } from './format';
import { str, UNRECOGNIZED } from './record';

/** The library's default cacheTTLMS (24 h), used when IDEMSCOPE_NODE_IDEMPOTENCY_TTL_SECONDS is not given. */
export const NODE_IDEMPOTENCY_DEFAULT_TTL_SECONDS = 86_400;

const RULES: ClaimRules = {
  ageMs: (_r, pttl, _now, config) => ageFromTtl(pttl, config.nodeIdempotencyTtlSeconds ?? NODE_IDEMPOTENCY_DEFAULT_TTL_SECONDS),
  // The library always sets PX: an IN_PROGRESS record without TTL will never go away.
  orphaned: (_r, ageMs) => (ageMs === null ? 'no-ttl' : null),
};

/**
 * @node-idempotency/core records: `{"status":"IN_PROGRESS"|"COMPLETE","fingerPrint"?,"response"?}`,
 * set with PX cacheTTLMS and no timestamps, so the age comes from the TTL.
 */
export const nodeIdempotency: FormatReader = {
  format: 'node-idempotency',
  signature: 'status IN_PROGRESS or COMPLETE, fingerPrint a string if present',
  detect(value) {
    const fields = value.fields();
    if (fields === null) return null;
    const status = fields.get('status');
    if (status !== 'IN_PROGRESS' && status !== 'COMPLETE') return null;
    const fingerPrint = fields.get('fingerPrint');
    if (fingerPrint !== undefined && typeof fingerPrint !== 'string') return null;
    return {
      ...UNRECOGNIZED,
      format: 'node-idempotency',
      kind: status === 'IN_PROGRESS' ? 'in-flight' : 'completed',
      fingerprint: str(fingerPrint),
      truncated: value.truncated,
    };
  },
  decode(value) {
    return nodeIdempotency.detect(value) ?? { ...UNRECOGNIZED, truncated: value.truncated };
  },
  classify(record, pttlMs, nowMs, config) {
    return classifyClaim(record, pttlMs, nowMs, config, RULES);
  },
  releasable: inFlightReleasable,
};

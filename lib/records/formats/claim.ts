import type { ClassifiedKey, ClassifyConfig } from '../classify';
import type { StuckReason } from '../states';
import type { DecodedRecord } from './record';

/** Redis PTTL's answer for a key that exists but has no expiry. */
export const PTTL_NO_EXPIRY = -1;

export function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}

/** The parts of a classification every format shares: the TTL as Redis reports it. */
export function ttlOf(pttlMs: number): { ttlSeconds: number | null; noExpiry: boolean } {
  const noExpiry = pttlMs === PTTL_NO_EXPIRY;
  return { noExpiry, ttlSeconds: noExpiry || pttlMs < 0 ? null : Math.ceil(pttlMs / 1000) };
}

/** Age of a claim taken with a known EX/PX: that TTL minus what is left; unknown without a TTL. */
export function ageFromTtl(pttlMs: number, lockTtlSeconds: number): number | null {
  return pttlMs < 0 ? null : Math.max(0, lockTtlSeconds * 1000 - pttlMs);
}

export interface ClaimRules {
  /** Milliseconds since the claim was taken, where the format lets us know. */
  ageMs(record: DecodedRecord, pttlMs: number, nowMs: number, config: ClassifyConfig): number | null;
  /** Why a claim is stuck whatever its age (nothing will ever release it), or null. */
  orphaned(record: DecodedRecord, ageMs: number | null): StuckReason | null;
}

/**
 * The classification of a claim-style record (a value that is the claim:
 * in flight, then completed or failed), shared by every such format; only
 * how the age is known and what makes a claim an orphan differ.
 */
export function classifyClaim(record: DecodedRecord, pttlMs: number, nowMs: number, config: ClassifyConfig, rules: ClaimRules): ClassifiedKey {
  const format = record.format;

  if (record.kind !== 'in-flight' && record.kind !== 'completed' && record.kind !== 'failed') return classified(format, pttlMs, 'unrecognized', null, null, null);

  // A failed record has no lease to run out: it waits, until its TTL, for the retry that takes it over.
  if (record.kind === 'failed') {
    const ageMs = record.failedAtMs ?? record.startedAtMs;
    return classified(format, pttlMs, 'failed', ageMs === null ? null : seconds(nowMs - ageMs), null, null);
  }

  if (record.kind === 'completed') {
    const expired = record.expiresAtMs !== null && record.expiresAtMs <= nowMs;
    const ageMs = record.completedAtMs ?? record.startedAtMs;
    return classified(format, pttlMs, expired ? 'expired' : 'completed', ageMs === null ? null : seconds(nowMs - ageMs), null, null);
  }

  const ageMs = rules.ageMs(record, pttlMs, nowMs, config);
  const leaseExpired = record.leaseExpiresAtMs !== null && record.leaseExpiresAtMs <= nowMs;
  // The first reason that holds: an orphan (no TTL, no lease), an expired lease, then age.
  let reason: StuckReason | null = rules.orphaned(record, ageMs) ?? (leaseExpired ? 'lease-expired' : null);
  if (reason === null && ageMs !== null && ageMs >= config.stuckAfterSeconds * 1000) reason = 'older-than-threshold';

  let stuckForSeconds: number | null = null;
  if (reason !== null) {
    if (ageMs !== null) stuckForSeconds = seconds(ageMs);
    else if (record.leaseExpiresAtMs !== null) stuckForSeconds = seconds(nowMs - record.leaseExpiresAtMs);
    else stuckForSeconds = Number.POSITIVE_INFINITY;
  }
  return classified(format, pttlMs, reason !== null ? 'stuck' : 'processing', ageMs === null ? null : seconds(ageMs), stuckForSeconds, reason);
}

/**
 * One classification, with the TTL as Redis reports it. A plain function rather
 * than a closure per call: the scanner classifies millions of keys a pass.
 */
function classified(
  format: ClassifiedKey['format'],
  pttlMs: number,
  state: ClassifiedKey['state'],
  ageSeconds: number | null,
  stuckForSeconds: number | null,
  stuckReason: StuckReason | null,
): ClassifiedKey {
  const noExpiry = pttlMs === PTTL_NO_EXPIRY;
  return { format, ttlSeconds: noExpiry || pttlMs < 0 ? null : Math.ceil(pttlMs / 1000), noExpiry, ageSeconds, stuckForSeconds, stuckReason, state };
}

/** Claim formats: a record in flight (processing or stuck) may be released. */
export function inFlightReleasable(_record: DecodedRecord, classified: ClassifiedKey): boolean {
  return classified.state === 'processing' || classified.state === 'stuck';
}

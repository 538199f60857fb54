import { describe, expect, it } from 'vitest';
import { classifyClaim, inFlightReleasable } from './claim';
import { UNRECOGNIZED, type DecodedRecord } from './record';

const NOW = 1_800_000_000_000;
const config = { stuckAfterSeconds: 300, plainLockTtlSeconds: 86_400 };
const rules = { ageMs: (r: DecodedRecord) => (r.startedAtMs === null ? null : NOW - r.startedAtMs), orphaned: () => null };
const claim = (extra: Partial<DecodedRecord>): DecodedRecord => ({ ...UNRECOGNIZED, format: 'idemscope', kind: 'in-flight', ...extra });

describe('classifyClaim', () => {
  it('leaves a record that is no claim (a pointer, a stray, an unknown) unrecognized', () => {
    for (const kind of ['unrecognized', 'pointer', 'stray'] as const) {
      expect(classifyClaim(claim({ kind }), 60_000, NOW, config, rules)).toMatchObject({ state: 'unrecognized', stuckReason: null, ageSeconds: null });
    }
  });

  it('names the first reason that holds: an expired lease before the age', () => {
    const both = claim({ startedAtMs: NOW - 400_000, leaseExpiresAtMs: NOW - 1 });
    expect(classifyClaim(both, 60_000, NOW, config, rules)).toMatchObject({ state: 'stuck', stuckReason: 'lease-expired', stuckForSeconds: 400 });
    const orphan = classifyClaim(both, 60_000, NOW, config, { ...rules, orphaned: () => 'no-ttl' as const });
    expect(orphan).toMatchObject({ stuckReason: 'no-ttl' });
  });

  it('lets an operator release claims in flight, processing or stuck, and nothing else', () => {
    const r = claim({ startedAtMs: NOW - 1_000, leaseExpiresAtMs: NOW + 1_000 });
    expect(inFlightReleasable(r, classifyClaim(r, 60_000, NOW, config, rules))).toBe(true);
    const stuck = claim({ startedAtMs: NOW - 1_000_000, leaseExpiresAtMs: NOW + 1_000 });
    expect(inFlightReleasable(stuck, classifyClaim(stuck, 60_000, NOW, config, rules))).toBe(true);
    const done = claim({ kind: 'completed' });
    expect(inFlightReleasable(done, classifyClaim(done, 60_000, NOW, config, rules))).toBe(false);
    const failed = claim({ kind: 'failed' });
    expect(inFlightReleasable(failed, classifyClaim(failed, 60_000, NOW, config, rules))).toBe(false);
  });
});

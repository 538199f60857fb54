import { describe, expect, it } from 'vitest';
import { PTTL_NO_EXPIRY } from './claim';
import { valueView } from '.';
import { NODE_IDEMPOTENCY_DEFAULT_TTL_SECONDS, nodeIdempotency } from './node-idempotency';

const NOW = 1_800_000_000_000;
const config = { stuckAfterSeconds: 300, plainLockTtlSeconds: 1_000, nodeIdempotencyTtlSeconds: 3_600 };
const read = (value: unknown) => nodeIdempotency.decode(valueView(JSON.stringify(value), false));

describe('node-idempotency', () => {
  it('knows IN_PROGRESS and COMPLETE records by their status, with or without fingerprint', () => {
    expect(read({ status: 'IN_PROGRESS', fingerPrint: 'ab' })).toMatchObject({ format: 'node-idempotency', kind: 'in-flight', fingerprint: 'ab' });
    expect(read({ status: 'IN_PROGRESS' })).toMatchObject({ kind: 'in-flight', fingerprint: null });
    expect(read({ status: 'COMPLETE', fingerPrint: 'ab', response: { body: 1 } })).toMatchObject({ kind: 'completed' });
  });

  it('is no record for other statuses, a fingerprint that is no string, or text', () => {
    for (const v of [{ status: 'INPROGRESS' }, { status: 'COMPLETED' }, { status: 'IN_PROGRESS', fingerPrint: 5 }, { status: 'IN_PROGRESS', fingerPrint: null }, ['IN_PROGRESS']]) {
      expect(read(v).kind, JSON.stringify(v)).toBe('unrecognized');
      expect(nodeIdempotency.detect(valueView(JSON.stringify(v), false)), JSON.stringify(v)).toBeNull();
    }
    expect(nodeIdempotency.decode(valueView('IN_PROGRESS', false)).kind).toBe('unrecognized');
  });

  it('ages an IN_PROGRESS record from the configured TTL minus what is left, and is stuck from the threshold on', () => {
    const r = read({ status: 'IN_PROGRESS' });
    expect(nodeIdempotency.classify(r, (3_600 - 299) * 1000, NOW, config)).toMatchObject({ state: 'processing', ageSeconds: 299, stuckReason: null });
    expect(nodeIdempotency.classify(r, (3_600 - 300) * 1000, NOW, config)).toMatchObject({ state: 'stuck', ageSeconds: 300, stuckReason: 'older-than-threshold', stuckForSeconds: 300 });
  });

  it("uses the library's 24 h default when no TTL is configured", () => {
    const r = read({ status: 'IN_PROGRESS' });
    expect(NODE_IDEMPOTENCY_DEFAULT_TTL_SECONDS).toBe(86_400);
    expect(nodeIdempotency.classify(r, (86_400 - 10) * 1000, NOW, { stuckAfterSeconds: 300, plainLockTtlSeconds: 1_000 })).toMatchObject({ ageSeconds: 10, state: 'processing' });
  });

  it('is stuck forever without a TTL, which the library always sets', () => {
    const c = nodeIdempotency.classify(read({ status: 'IN_PROGRESS' }), PTTL_NO_EXPIRY, NOW, config);
    expect(c).toMatchObject({ state: 'stuck', stuckReason: 'no-ttl', ageSeconds: null });
    expect(c.stuckForSeconds).toBe(Number.POSITIVE_INFINITY);
  });

  it('a COMPLETE record is completed, and only in-flight records may be released', () => {
    const done = read({ status: 'COMPLETE' });
    const c = nodeIdempotency.classify(done, 60_000, NOW, config);
    expect(c).toMatchObject({ state: 'completed', stuckReason: null });
    expect(nodeIdempotency.releasable(done, c)).toBe(false);
    const flying = read({ status: 'IN_PROGRESS' });
    const young = nodeIdempotency.classify(flying, 3_590_000, NOW, config);
    expect(young.state).toBe('processing');
    expect(nodeIdempotency.releasable(flying, young)).toBe(true);
    const old = nodeIdempotency.classify(flying, 60_000, NOW, config);
    expect(old.state).toBe('stuck');
    expect(nodeIdempotency.releasable(flying, old)).toBe(true);
  });
});

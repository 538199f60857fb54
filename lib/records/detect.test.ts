import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../idempotency/record';
import { decodeValue } from './detect';

const inFlight = encodeRecord({
  fmt: 'idemscope',
  v: 1,
  status: 'processing',
  owner: 'own-1',
  consumer: 'billing',
  startedAt: 1_000,
  leaseExpiresAt: 31_000,
  fingerprint: 'fp',
});
const completed = encodeRecord({
  fmt: 'idemscope',
  v: 1,
  status: 'completed',
  consumer: 'billing',
  startedAt: 1_000,
  completedAt: 2_000,
  result: { ok: true },
});

const failed = encodeRecord({
  fmt: 'idemscope',
  v: 1,
  status: 'failed',
  consumer: 'billing',
  startedAt: 1_000,
  failedAt: 1_500,
  fingerprint: 'fp',
});

describe('decodeValue', () => {
  it('reads the plain claim marker as in flight', () => {
    expect(decodeValue('processing', false)).toMatchObject({ format: 'plain', kind: 'in-flight' });
  });

  it('reads any other JSON as a plain completed result', () => {
    for (const text of ['{"orderId":42}', '[1,2]', '"done"', '17', 'true', 'null']) {
      expect(decodeValue(text, false), text).toMatchObject({ format: 'plain', kind: 'completed' });
    }
  });

  it('reads idemscope in-flight records with their owner and timing', () => {
    expect(decodeValue(inFlight, false)).toEqual({
      format: 'idemscope',
      kind: 'in-flight',
      owner: 'own-1',
      consumer: 'billing',
      startedAtMs: 1_000,
      leaseExpiresAtMs: 31_000,
      completedAtMs: null,
      failedAtMs: null,
      expiresAtMs: null,
      fingerprint: 'fp',
      pointer: null,
      nativeState: null,
      locked: null,
      truncated: false,
    });
  });

  it('reads idemscope completed records', () => {
    expect(decodeValue(completed, false)).toMatchObject({ format: 'idemscope', kind: 'completed', completedAtMs: 2_000 });
  });

  it('reads idemscope failed records, which the Redis store leaves for the retry to take over', () => {
    expect(decodeValue(failed, false)).toEqual({
      format: 'idemscope',
      kind: 'failed',
      owner: null,
      consumer: 'billing',
      startedAtMs: 1_000,
      leaseExpiresAtMs: null,
      completedAtMs: null,
      failedAtMs: 1_500,
      expiresAtMs: null,
      fingerprint: 'fp',
      pointer: null,
      nativeState: null,
      locked: null,
      truncated: false,
    });
    expect(decodeValue(failed.slice(0, 50), true)).toMatchObject({ format: 'idemscope', kind: 'failed', truncated: true });
  });

  it('does not take an idemscope-tagged value without timing facts for an in-flight record', () => {
    expect(decodeValue('{"fmt":"idemscope","v":1,"status":"processing"}', false)).toMatchObject({ kind: 'unrecognized', format: 'unknown' });
    expect(decodeValue('{"fmt":"idemscope","v":1,"status":"weird"}', false)).toMatchObject({ kind: 'unrecognized' });
  });

  it('reads Powertools records, lease and validation hash included', () => {
    expect(
      decodeValue('{"status":"INPROGRESS","expiration":1700003600,"in_progress_expiration":1700000060000,"validation":"h=="}', false),
    ).toMatchObject({ format: 'powertools', kind: 'in-flight', leaseExpiresAtMs: 1700000060000, expiresAtMs: 1700003600000, fingerprint: 'h==' });
    expect(decodeValue('{"status":"COMPLETED","expiration":1700003600,"data":{"x":1}}', false)).toMatchObject({
      format: 'powertools',
      kind: 'completed',
      expiresAtMs: 1700003600000,
    });
  });

  it('treats a Powertools-looking value without expiration as plain JSON', () => {
    expect(decodeValue('{"status":"COMPLETED"}', false)).toMatchObject({ format: 'plain', kind: 'completed' });
  });

  it('classifies cut-off values from their first bytes', () => {
    const big = JSON.stringify({ status: 'COMPLETED', expiration: 1700003600, data: 'x'.repeat(10_000) });
    expect(decodeValue(big.slice(0, 512), true)).toMatchObject({ format: 'powertools', kind: 'completed', truncated: true });
    const bigIdem = encodeRecord({ fmt: 'idemscope', v: 1, status: 'completed', consumer: 'c', startedAt: 1, completedAt: 2, result: 'y'.repeat(10_000) });
    expect(decodeValue(bigIdem.slice(0, 512), true)).toMatchObject({ format: 'idemscope', kind: 'completed', truncated: true });
    const bigPlain = JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => i) });
    expect(decodeValue(bigPlain.slice(0, 512), true)).toMatchObject({ format: 'plain', kind: 'completed', truncated: true });
  });

  it('leaves large non-JSON values and the cut-off claim marker unrecognized', () => {
    expect(decodeValue('x'.repeat(513), true)).toMatchObject({ format: 'unknown', kind: 'unrecognized', truncated: true });
    expect(decodeValue('processing-and-more', true)).toMatchObject({ kind: 'unrecognized' });
  });

  it('leaves non-JSON and empty values unrecognized', () => {
    for (const text of ['', '   ', 'hello', 'processing\n', '{"a":1', '\u0000binary']) {
      expect(decodeValue(text, false), JSON.stringify(text)).toMatchObject({ format: 'unknown', kind: 'unrecognized' });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { encodeCompleted, encodeRecord, type CompletedRecord } from './record';

describe('encodeCompleted', () => {
  const record = (result: unknown, fingerprint?: string): CompletedRecord => ({
    fmt: 'idemscope',
    v: 1,
    status: 'completed',
    consumer: 'bill"ing|eu',
    startedAt: 1_733_450_000_000,
    completedAt: 1_733_450_000_123,
    result: result ?? null,
    ...(fingerprint ? { fingerprint } : {}),
  });
  const fast = (result: unknown, fingerprint?: string) =>
    encodeCompleted(JSON.stringify('bill"ing|eu'), 1_733_450_000_000, 1_733_450_000_123, result, fingerprint ? `,"fingerprint":${JSON.stringify(fingerprint)}` : '');

  it.each([
    ['an object', { status: 'shipped', order: 'o-1', at: new Date(0) }],
    ['a string', 'done'],
    ['a number', 42],
    ['null', null],
    ['undefined (stored as null)', undefined],
    ['an array', [1, 'two', { three: 3 }]],
    ['a value JSON cannot write (left out)', () => 1],
  ])('writes %s exactly as encodeRecord does', (_name, result) => {
    expect(fast(result)).toBe(encodeRecord(record(result)));
    expect(fast(result, 'f'.repeat(64))).toBe(encodeRecord(record(result, 'f'.repeat(64))));
  });

  it('writes a time JSON cannot hold as null, as encodeRecord does', () => {
    expect(encodeCompleted('"c"', Number.NaN, 2, 1, '')).toBe(JSON.stringify({ fmt: 'idemscope', v: 1, status: 'completed', consumer: 'c', startedAt: Number.NaN, completedAt: 2, result: 1 }));
  });
});

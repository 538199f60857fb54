import { describe, expect, it } from 'vitest';
import { fingerprint, stableJson } from './fingerprint';

describe('stableJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('follows JSON.stringify for undefined, functions, non-finite numbers and toJSON', () => {
    expect(stableJson({ a: undefined, f: () => 1, n: NaN, d: new Date(0), l: [undefined] })).toBe(
      '{"d":"1970-01-01T00:00:00.000Z","l":[null],"n":null}',
    );
    expect(stableJson(undefined)).toBe('null');
  });

  it('sorts numeric-looking keys as strings, whatever order the engine enumerates them in', () => {
    expect(stableJson({ 10: 'a', 9: 'b', x: 'c' })).toBe('{"10":"a","9":"b","x":"c"}');
  });

  it('throws on cycles and BigInt instead of fingerprinting something ambiguous', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => stableJson(loop)).toThrow(TypeError);
    expect(() => stableJson({ n: 1n })).toThrow(TypeError);
  });

  it('allows the same object twice when it is not its own ancestor', () => {
    const shared = { x: 1 };
    expect(stableJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});

describe('fingerprint', () => {
  it('is the SHA-256 (hex) of the stable JSON (so a string hashes with its quotes), equal across key orders and different across values', () => {
    expect(fingerprint({ a: 1, b: 2 })).toBe(fingerprint({ b: 2, a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint('x')).toBe('ba2df4903a2c14e86dc3bcca58911b44ac1d2514b7227bf6eb08cfb978f55a1b');
  });
});

import { describe, expect, it } from 'vitest';
import { IDEMSCOPE_UUID_NAMESPACE, isUuid, keyToUuid, uuidV7, uuidV7Time } from './uuid';

describe('keyToUuid', () => {
  it('matches the RFC 4122 version-5 reference value', () => {
    expect(keyToUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is deterministic per key and distinct across keys', () => {
    expect(keyToUuid('order-42')).toBe(keyToUuid('order-42'));
    expect(keyToUuid('order-42')).not.toBe(keyToUuid('order-43'));
    expect(isUuid(keyToUuid('order-42'))).toBe(true);
  });

  it('keeps its namespace fixed, since changing it would re-admit processed messages', () => {
    expect(IDEMSCOPE_UUID_NAMESPACE).toBe(keyToUuid('idemscope', '6ba7b811-9dad-11d1-80b4-00c04fd430c8'));
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => keyToUuid('x', 'not-a-uuid')).toThrow(TypeError);
  });
});

describe('uuidV7', () => {
  it('carries its millisecond time, which uuidV7Time reads back', () => {
    const at = Date.UTC(2026, 11, 5, 23, 59, 59, 123);
    const id = uuidV7(at);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(uuidV7Time(id)).toBe(at);
    expect(uuidV7(at)).not.toBe(id);
  });

  it('reads no time from any other version', () => {
    expect(uuidV7Time(keyToUuid('order-42'))).toBeNull();
    expect(uuidV7Time('0a8d3c6e-1111-4c4c-8d8d-000000000001')).toBeNull();
    expect(uuidV7Time('not-a-uuid')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { IDEMSCOPE_UUID_NAMESPACE, isUuid, keyToUuid } from './uuid';

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

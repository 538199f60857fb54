import { describe, expect, it } from 'vitest';
import { likePattern, uuidPrefixRange } from './search';

describe('key search in SQL', () => {
  it('turns a uuid prefix into the range of uuids it can start', () => {
    expect(uuidPrefixRange('5f0c')).toEqual({ lo: '5f0c0000-0000-0000-0000-000000000000', hi: '5f0cffff-ffff-ffff-ffff-ffffffffffff' });
    expect(uuidPrefixRange('5F0C2A9E-3B')).toEqual({ lo: '5f0c2a9e-3b00-0000-0000-000000000000', hi: '5f0c2a9e-3bff-ffff-ffff-ffffffffffff' });
    expect(uuidPrefixRange('')).toEqual({ lo: '00000000-0000-0000-0000-000000000000', hi: 'ffffffff-ffff-ffff-ffff-ffffffffffff' });
    expect(uuidPrefixRange('order-42')).toBeNull();
    expect(uuidPrefixRange('0'.repeat(33))).toBeNull();
  });

  it('takes LIKE characters literally', () => {
    expect(likePattern({ text: '50%_a\\b', mode: 'substring' })).toBe('%50\\%\\_a\\\\b%');
    expect(likePattern({ text: 'abc', mode: 'prefix' })).toBe('abc%');
  });
});

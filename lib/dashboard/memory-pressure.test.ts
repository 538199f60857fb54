import { describe, expect, it } from 'vitest';
import { memoryWarning } from './memory-pressure';

describe('memoryWarning', () => {
  it('says nothing without a limit or below 90 %', () => {
    expect(memoryWarning(10_000, 0, 'noeviction')).toBeNull();
    expect(memoryWarning(899, 1000, 'noeviction')).toBeNull();
    expect(memoryWarning(null, 1000, 'noeviction')).toBeNull();
  });

  it('says what each policy does to dedup near the limit', () => {
    expect(memoryWarning(900, 1000, 'noeviction')).toBe('Redis uses 90 % of maxmemory (policy noeviction): new claims fail, so messages cannot be claimed or deduplicated');
    expect(memoryWarning(1000, 1000, 'allkeys-lru')).toMatch(/evicts dedup keys, so duplicates get through$/);
    expect(memoryWarning(1000, 1000, 'volatile-ttl')).toMatch(/keys with a TTL.*duplicates get through$/);
  });
});

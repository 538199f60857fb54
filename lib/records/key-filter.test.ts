import { describe, expect, it } from 'vitest';
import { createKeyFilter } from './key-filter';

describe('createKeyFilter', () => {
  const filter = createKeyFilter(['idempotency:*', '*#*'], 'idemscope:stats:');

  it('counts a key under the first pattern that matches it', () => {
    expect(filter.patternOf('idempotency:order-1')).toBe(0);
    expect(filter.patternOf('idempotency:fn#h')).toBe(0);
    expect(filter.patternOf('svc#h')).toBe(1);
    expect(filter.owns(0, 'idempotency:fn#h')).toBe(true);
    expect(filter.owns(1, 'idempotency:fn#h')).toBe(false);
    expect(filter.owns(1, 'svc#h')).toBe(true);
  });

  it('never counts the library\'s counters, even where a pattern matches them', () => {
    const wide = createKeyFilter(['*'], 'idemscope:stats:');
    expect(wide.patternOf('idemscope:stats:m:60')).toBe(-1);
    expect(wide.owns(0, 'idemscope:stats:m:60')).toBe(false);
    expect(wide.owns(0, 'idemscope:other')).toBe(true);
  });

  it('says -1 for a key no pattern matches', () => {
    expect(filter.patternOf('session:1')).toBe(-1);
  });

  it('has no stats key to skip when the prefix is empty', () => {
    const noStats = createKeyFilter(['*'], '');
    expect(noStats.patternOf('anything')).toBe(0);
    expect(noStats.owns(0, 'anything')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createKeyFilter } from './key-filter';
import { parseKeyPatterns } from './key-patterns';

describe('createKeyFilter', () => {
  const filter = createKeyFilter(parseKeyPatterns(['idempotency:*=plain', '*#*']), 'idemscope:stats:');

  it('counts a key under the first pattern that matches it', () => {
    expect(filter.patternOf('idempotency:order-1')).toBe(0);
    expect(filter.patternOf('idempotency:fn#h')).toBe(0);
    expect(filter.patternOf('svc#h')).toBe(1);
    expect(filter.owns(0, 'idempotency:fn#h')).toBe(true);
    expect(filter.owns(1, 'idempotency:fn#h')).toBe(false);
    expect(filter.owns(1, 'svc#h')).toBe(true);
  });

  it('never counts the library\'s counters, even where a pattern matches them', () => {
    const wide = createKeyFilter(parseKeyPatterns(['*=bullmq']), 'idemscope:stats:');
    expect(wide.patternOf('idemscope:stats:m:60')).toBe(-1);
    expect(wide.owns(0, 'idemscope:stats:m:60')).toBe(false);
    expect(wide.owns(0, 'idemscope:other')).toBe(true);
  });

  it('says -1 for a key no pattern matches', () => {
    expect(filter.patternOf('session:1')).toBe(-1);
  });

  it("reads each key by the format of the pattern it is counted under; none for a key it does not count", () => {
    expect(filter.formatOf('idempotency:fn#h')).toBe('plain');
    expect(filter.formatOf('svc#h')).toBe('auto');
    expect(filter.formatOf('session:1')).toBeNull();
    expect(createKeyFilter(parseKeyPatterns(['*=bullmq']), 'idemscope:stats:').formatOf('idemscope:stats:m:60')).toBeNull();
  });

  it('has no stats key to skip when the prefix is empty', () => {
    const noStats = createKeyFilter(parseKeyPatterns(['*']), '');
    expect(noStats.patternOf('anything')).toBe(0);
    expect(noStats.owns(0, 'anything')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_PATTERNS, indexedPatterns, KeyPatternError, keyPatternText, parseKeyPattern, parseKeyPatterns } from './key-patterns';

describe('key patterns', () => {
  it('reads a bare pattern as auto and pattern=format as declared', () => {
    expect(parseKeyPattern('bull:*')).toEqual({ pattern: 'bull:*', format: 'auto', declared: false });
    expect(parseKeyPattern(' bull:*:de:* = bullmq ')).toEqual({ pattern: 'bull:*:de:*', format: 'bullmq', declared: true });
    expect(parseKeyPattern('x*=auto')).toEqual({ pattern: 'x*', format: 'auto', declared: true });
  });

  it('takes the format after the last =, so a glob may hold one', () => {
    expect(parseKeyPattern('a=b*=plain')).toEqual({ pattern: 'a=b*', format: 'plain', declared: true });
  });

  it('names the entry it cannot read', () => {
    expect(() => parseKeyPattern('jobs:*=sidekiq')).toThrow(new KeyPatternError('jobs:*=sidekiq', 'unknown format "sidekiq"; one of auto, plain, idemscope, powertools, bullmq, node-idempotency'));
    expect(() => parseKeyPattern('=plain')).toThrow(/^entry "=plain": has no pattern before the format$/);
    expect(() => parseKeyPattern('  ')).toThrow(KeyPatternError);
    expect(() => parseKeyPattern('a=b*')).toThrow(/unknown format "b\*"/);
  });

  it('reads from the in-flight index only the patterns declared =idemscope, by their place in the list', () => {
    expect(indexedPatterns(parseKeyPatterns('idempotency:*=plain,jobs:*=idemscope,x:*,orders:*=idemscope'))).toEqual([1, 3]);
    // Undeclared (auto) patterns may hold library records too, but nothing says all of them are indexed.
    expect(indexedPatterns(parseKeyPatterns('jobs:*,bull:*=bullmq'))).toEqual([]);
    expect(indexedPatterns([])).toEqual([]);
  });

  it('is a KeyPatternError by name', () => {
    expect(() => parseKeyPattern('x=y')).toThrow(expect.objectContaining({ name: 'KeyPatternError', entry: 'x=y' }));
  });

  it('takes entries as given in a list, without splitting them again', () => {
    expect(parseKeyPatterns(['a:*=plain', ' b:* '])).toEqual([
      { pattern: 'a:*', format: 'plain', declared: true },
      { pattern: 'b:*', format: 'auto', declared: false },
    ]);
  });

  it('splits a list, skipping empty entries, and writes each entry back as configured', () => {
    const list = parseKeyPatterns('idempotency:*=plain, ,*#*');
    expect(list).toHaveLength(2);
    expect(list.map(keyPatternText)).toEqual(['idempotency:*=plain', '*#*']);
    expect(parseKeyPatterns(DEFAULT_KEY_PATTERNS)).toEqual([{ pattern: 'idempotency:*', format: 'plain', declared: true }]);
  });
});

import { describe, expect, it } from 'vitest';
import { escapeGlob, globMatches, keyMatchesSearch, searchMatch } from './glob';

describe('globMatches (Redis MATCH semantics)', () => {
  it.each([
    ['idempotency:*', 'idempotency:abc', true],
    ['idempotency:*', 'idempotency:', true],
    ['idempotency:*', 'other:abc', false],
    ['*#*', 'fn#abc==', true],
    ['*#*', 'fnabc', false],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-c]llo', 'hbllo', true],
    ['h[c-a]llo', 'hbllo', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b', 'axb', false],
    ['t:(x)*', 't:(x)1', true],
    ['line*', 'line1\nline2', true],
    // A set is not a range: the actions may touch only the keys a pattern admits.
    ['k[abz]', 'kb', true],
    ['k[abz]', 'kc', false],
    // As Redis reads odd classes (tests/stores/glob-parity.test.ts checks these against Redis itself).
    ['k[]a]', 'ka]', false],
    ['k[]a]', 'k]', false],
    ['k[a-]', 'k]', true],
    ['k[a-]', 'k^', true],
    ['k[a-]', 'k-', false],
    ['k[a', 'ka', true],
    ['k[a', 'k[a', false],
    ['k[', 'k[', false],
    ['k[^', 'kx', true],
  ])('%s against %j is %s', (glob, key, expected) => {
    expect(globMatches(glob, key)).toBe(expected);
  });
});

describe('searching keys', () => {
  it('escapes every glob character of the text', () => {
    expect(escapeGlob('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
    expect(globMatches(escapeGlob('a*b[x]'), 'a*b[x]')).toBe(true);
    expect(globMatches(escapeGlob('a*b[x]'), 'aZZbx')).toBe(false);
  });

  it('puts the text into the MATCH of a literal-and-star pattern, or scans the pattern when it cannot', () => {
    expect(searchMatch('idempotency:*', { text: 'idempotency:orders:', mode: 'prefix' })).toBe('idempotency:orders:*');
    expect(searchMatch('idempotency:*', { text: 'idem', mode: 'prefix' })).toBe('idempotency:*');
    expect(searchMatch('idempotency:*', { text: 'orders:', mode: 'prefix' })).toBeNull();
    expect(searchMatch('idempotency:*', { text: 'a*b', mode: 'substring' })).toBe('idempotency:*a\\*b*');
    // Text that may run across the pattern's fixed start cannot go into the glob.
    expect(searchMatch('idempotency:*', { text: 'ency:ord', mode: 'substring' })).toBe('idempotency:*');
    expect(searchMatch('idempotency:*', { text: 'tency', mode: 'substring' })).toBe('idempotency:*');
    expect(searchMatch('bull:*:de:*', { text: 'x', mode: 'prefix' })).toBe('bull:*:de:*');
  });

  it('checks a key against the text itself', () => {
    expect(keyMatchesSearch('idempotency:orders:1', { text: 'idempotency:o', mode: 'prefix' })).toBe(true);
    expect(keyMatchesSearch('idempotency:orders:1', { text: 'orders', mode: 'prefix' })).toBe(false);
    expect(keyMatchesSearch('idempotency:orders:1', { text: 'orders', mode: 'substring' })).toBe(true);
  });
});

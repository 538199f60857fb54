import { describe, expect, it } from 'vitest';
import { globMatches } from './glob';

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

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
  ])('%s against %j is %s', (glob, key, expected) => {
    expect(globMatches(glob, key)).toBe(expected);
  });
});

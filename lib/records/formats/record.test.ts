import { describe, expect, it } from 'vitest';
import { num, str } from './record';

describe('scalar fields as the readers take them', () => {
  it('reads a number only when it is a finite number: 1e400 parses to Infinity, and a numeric string is not a time', () => {
    expect(num(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(num(JSON.parse('1e400') as number)).toBeNull();
    expect(num(Number.NaN)).toBeNull();
    expect(num('1700000000000')).toBeNull();
    expect(num(null)).toBeNull();
    expect(num(undefined)).toBeNull();
  });

  it('reads a string only when it is one', () => {
    expect(str('processing')).toBe('processing');
    expect(str(1)).toBeNull();
    expect(str(true)).toBeNull();
    expect(str(undefined)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../errors';
import { refuseUnstorableInput, storableText } from './text';

function refusal(url: string, params: Record<string, string | string[]> = {}): string | null {
  try {
    refuseUnstorableInput(new URL(url), params);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParameterError);
    return (error as Error).message;
  }
  return null;
}

describe('text a store can hold', () => {
  it('is at most its length and holds no NUL, which PostgreSQL text cannot store', () => {
    expect(storableText(3).safeParse('abc').success).toBe(true);
    expect(storableText(3).safeParse('abcd').success).toBe(false);
    expect(storableText(3).safeParse('a\u0000').error?.issues[0]?.message).toBe('must not contain NUL characters');
  });
});

describe('refuseUnstorableInput', () => {
  it('lets a query and path without NUL through', () => {
    expect(refusal('http://d/x?a=1&b=two', { key: 'k', parts: ['a', 'b'] })).toBeNull();
  });

  it('names the query parameter whose value holds a NUL, and every parameter after a good one is checked too', () => {
    expect(refusal('http://d/x?ok=1&search=a%00b')).toBe('search: must not contain NUL characters');
  });

  it('names a parameter whose name holds a NUL without the NUL, or the query when nothing is left of it', () => {
    expect(refusal('http://d/x?se%00arch=a')).toBe('search: must not contain NUL characters');
    expect(refusal('http://d/x?%00=a')).toBe('query: must not contain NUL characters');
  });

  it('names the path segment, single or catch-all, that holds a NUL', () => {
    expect(refusal('http://d/x', { ok: 'k', key: 'a\u0000' })).toBe('key: must not contain NUL characters');
    expect(refusal('http://d/x', { path: ['a', 'b\u0000'] })).toBe('path: must not contain NUL characters');
  });
});

import { describe, expect, it } from 'vitest';
import { MASK, maskJson, maskText } from './mask';

const fields = ['password', 'cardNumber', 'token'];

describe('maskJson', () => {
  it('masks matching fields at any depth, case-insensitively, and lists their paths', () => {
    const input = { user: { Password: 'p', name: 'n' }, cards: [{ cardnumber: '4111', last4: '1111' }], TOKEN: { nested: true } };
    const { value, maskedPaths } = maskJson(input, fields);
    expect(value).toEqual({ user: { Password: MASK, name: 'n' }, cards: [{ cardnumber: MASK, last4: '1111' }], TOKEN: MASK });
    expect(maskedPaths).toEqual(['user.Password', 'cards[0].cardnumber', 'TOKEN']);
    expect(input.user.Password).toBe('p');
  });

  it('leaves scalars and unmatched documents alone', () => {
    expect(maskJson('password', fields)).toEqual({ value: 'password', maskedPaths: [] });
    expect(maskJson({ a: [1, null] }, fields)).toEqual({ value: { a: [1, null] }, maskedPaths: [] });
  });
});

describe('maskText', () => {
  it('masks string, number, object and cut-off values in raw JSON text', () => {
    const text = '{"password":"s3cr\\"et","cardNumber":4111111111111111,"token":{"a":[1,{"b":"}"}]},"ok":1,"Token":"abc';
    const { value, maskedPaths } = maskText(text, fields);
    expect(value).toBe(`{"password":"${MASK}","cardNumber":"${MASK}","token":"${MASK}","ok":1,"Token":"${MASK}"`);
    expect(maskedPaths).toEqual(['password', 'cardNumber', 'token', 'Token']);
    expect(value).not.toContain('s3cr');
    expect(value).not.toContain('4111');
  });

  it('returns text without the fields unchanged', () => {
    expect(maskText('plain text', fields)).toEqual({ value: 'plain text', maskedPaths: [] });
  });
});

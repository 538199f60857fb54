import { describe, expect, it } from 'vitest';
import { scanJsonPrefix } from './json-prefix';

describe('scanJsonPrefix', () => {
  it.each([
    '{"a":1}',
    '[1,2,{"b":[true,false,null]}]',
    '"text"',
    '-12.5e+3',
    ' { "a" : "x\\"y" } ',
  ])('accepts complete JSON %s', (text) => {
    const scan = scanJsonPrefix(text);
    expect(scan).toMatchObject({ valid: true, complete: true });
  });

  it.each(['{"a":1', '{"a":"unterminated', '[1,2', '{"a":tr', '{"a":-', '{"a":1.', '{"a":1e', '{', '{"ke', '{"a":{"b":[1,'])(
    'accepts the cut-off prefix %s as incomplete',
    (text) => {
      expect(scanJsonPrefix(text)).toMatchObject({ valid: true, complete: false });
    },
  );

  it.each(['processing', 'hello world', '{"a" 1}', '{a:1}', '[1,,2]', '{"a":1}}', '{"a":truth}', '{"a":01}', '\u0000\u0001binary'])(
    'rejects %j',
    (text) => {
      expect(scanJsonPrefix(text).valid).toBe(false);
    },
  );

  it('collects only whole top-level scalar members', () => {
    const scan = scanJsonPrefix('{"status":"COMPLETED","expiration":1700000000,"data":{"status":"nested","x":1},"tail":"cut');
    expect(Object.fromEntries(scan.topLevel)).toEqual({ status: 'COMPLETED', expiration: 1700000000 });
  });

  it('decodes escaped keys and values', () => {
    const scan = scanJsonPrefix('{"k\\u0065y":"a\\nb","n":null,"t":true}');
    expect(Object.fromEntries(scan.topLevel)).toEqual({ key: 'a\nb', n: null, t: true });
  });

  it('collects nothing from a top-level array', () => {
    expect(scanJsonPrefix('[{"status":"x"}]').topLevel.size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeAs, valueView } from '.';
import { idemscope } from './idemscope';
import { powertools } from './powertools';

const auto = (text: string) => decodeAs('auto', valueView(text, false));

describe('idemscope: the signature', () => {
  it('is a value that starts with {"fmt":"idemscope"}, whitespace allowed anywhere JSON allows it', () => {
    expect(auto(' \n{ \t"fmt" :\n "idemscope" , "status":"completed","startedAt":1,"completedAt":2}')).toMatchObject({ format: 'idemscope', kind: 'completed' });
  });

  it('is not a nested object that happens to carry it, nor a value that only starts like it', () => {
    expect(auto('{"a":{"fmt":"idemscope","status":"completed"}}')).toMatchObject({ format: 'unknown', kind: 'unrecognized' });
    expect(auto('x{"fmt":"idemscope","status":"completed"}')).toMatchObject({ format: 'unknown' });
    expect(auto('{"fmt":"idemscope","status":')).toMatchObject({ format: 'unknown', kind: 'unrecognized' });
  });

  it('is in flight only with status processing and both its timing facts', () => {
    const rec = (fields: Record<string, unknown>) => auto(JSON.stringify({ fmt: 'idemscope', v: 1, ...fields }));
    expect(rec({ status: 'processing', startedAt: 1, leaseExpiresAt: 2 }).kind).toBe('in-flight');
    expect(rec({ status: 'processing', startedAt: 1 }).kind).toBe('unrecognized');
    expect(rec({ status: 'processing', leaseExpiresAt: 2 }).kind).toBe('unrecognized');
    expect(rec({ status: 'claimed', startedAt: 1, leaseExpiresAt: 2 }).kind).toBe('unrecognized');
  });

  it('says what it is recognised by', () => {
    expect(idemscope.signature).toBe('the value starts with {"fmt":"idemscope"');
    expect(powertools.signature).toBe('status INPROGRESS or COMPLETED with a numeric expiration');
  });
});

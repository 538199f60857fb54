import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../idempotency/record';
import { decodeAs, readerOf, valueView } from '.';
import { KEY_FORMATS } from '../states';

const view = (text: string, truncated = false) => valueView(text, truncated);
const idem = encodeRecord({ fmt: 'idemscope', v: 1, status: 'processing', owner: 'o', consumer: 'c', startedAt: 1, leaseExpiresAt: 2, fingerprint: 'f' });
const powertools = JSON.stringify({ status: 'INPROGRESS', expiration: 1_900_000_000, in_progress_expiration: 1_900_000_000_000 });
const nodeIdem = JSON.stringify({ status: 'IN_PROGRESS', fingerPrint: 'fp' });

describe('auto: only a signature counts', () => {
  it('reads every signed format as itself', () => {
    expect(decodeAs('auto', view(idem)).format).toBe('idemscope');
    expect(decodeAs('auto', view(powertools)).format).toBe('powertools');
    expect(decodeAs('auto', view(nodeIdem)).format).toBe('node-idempotency');
    expect(decodeAs('auto', view('processing'))).toMatchObject({ format: 'plain', kind: 'in-flight' });
  });

  it('leaves anything else unrecognized, JSON results and job ids included, never completed', () => {
    for (const text of ['{"ok":1}', '"ok"', '42', 'processing-ish', '[1,2]', '']) {
      expect(decodeAs('auto', view(text)), text).toMatchObject({ format: 'unknown', kind: 'unrecognized' });
    }
    expect(decodeAs('auto', view('processing', true))).toMatchObject({ kind: 'unrecognized', truncated: true });
    expect(decodeAs('auto', view('{"ok":1', true))).toMatchObject({ kind: 'unrecognized', truncated: true });
  });
});

describe('declared formats read only their own records', () => {
  it('plain reads the marker, our own and Powertools records, and any other JSON as a stored result', () => {
    expect(decodeAs('plain', view('{"ok":1}'))).toMatchObject({ format: 'plain', kind: 'completed' });
    expect(decodeAs('plain', view('{"ok":1', true))).toMatchObject({ format: 'plain', kind: 'completed', truncated: true });
    expect(decodeAs('plain', view(idem)).format).toBe('idemscope');
    expect(decodeAs('plain', view(powertools)).format).toBe('powertools');
    expect(decodeAs('plain', view(nodeIdem))).toMatchObject({ format: 'plain', kind: 'completed' });
    expect(decodeAs('plain', view('not json'))).toMatchObject({ format: 'unknown', kind: 'unrecognized' });
  });

  it('the others leave what is not theirs unrecognized', () => {
    const samples = { idemscope: idem, powertools, 'node-idempotency': nodeIdem } as const;
    for (const [format, text] of Object.entries(samples)) {
      for (const declared of ['idemscope', 'powertools', 'node-idempotency'] as const) {
        const decoded = decodeAs(declared, view(text));
        expect(decoded.format, `${text} as ${declared}`).toBe(declared === format ? format : 'unknown');
      }
      expect(decodeAs('bullmq', view(text)).kind).toBe('unrecognized');
    }
    for (const declared of ['idemscope', 'powertools', 'node-idempotency'] as const) {
      expect(decodeAs(declared, view('processing')).kind).toBe('unrecognized');
    }
  });

  it('has a reader for every declarable format but auto, and none for unknown', () => {
    for (const format of KEY_FORMATS) if (format !== 'auto') expect(readerOf(format)?.format).toBe(format);
    expect(readerOf('unknown')).toBeNull();
  });

  it('parses a value at most once however many formats look at it', () => {
    const v = view('{"a":1}');
    expect(v.fields()).toBe(v.fields());
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'toString', 'constructor', '__proto__'];
    const seen = (text: string) => {
      const fields = view(text).fields()!;
      return Object.fromEntries(names.map((n) => [n, fields.get(n)]).filter(([, v]) => v !== undefined));
    };
    expect(seen('[1]')).toEqual({});
    expect(seen('"ok"')).toEqual({});
    expect(seen('{"a":true,"b":false,"c":null,"d":{},"e":[1],"f":"s","g":2}')).toEqual({ a: true, b: false, c: null, f: 's', g: 2 });
    // Only the value's own members: nothing inherited from Object.prototype.
    expect(seen('{"a":1}')).toEqual({ a: 1 });
    expect(view('nope').fields()).toBeNull();
    expect(view('   ', true).fields()).toBeNull();
  });
});

describe('followerOf', () => {
  it('is the follow-up of a format that points at others, and refuses one that does not', async () => {
    const { followerOf } = await import('.');
    expect(followerOf(decodeAs('bullmq', view('7'))).commands('q:de:x', decodeAs('bullmq', view('7')))).toHaveLength(8);
    expect(() => followerOf(decodeAs('plain', view('processing')))).toThrow('format plain has no pointers to follow');
  });
});

import { describe, expect, it } from 'vitest';
import { PTTL_NO_EXPIRY } from './classify';
import { decodePeek, examine, examineKey, headText, PTTL_GONE, type KeyPeek } from './examine';

const NOW = 1_800_000_000_000;
const config = { stuckAfterSeconds: 300, plainLockTtlSeconds: 86_400 };
const peek = (key: string, value: string | null, pttlMs = 60_000, bytes: number | null = null): KeyPeek => ({
  key,
  pttlMs,
  head: value === null ? null : Buffer.from(value),
  bytes,
});

describe('headText', () => {
  it('is null for a key of another type', () => {
    expect(headText(peek('k', null), 10)).toBeNull();
  });

  it('cuts at headBytes and says so when the reader got the extra byte', () => {
    expect(headText(peek('k', 'abcdefghijk'), 10)).toEqual({ text: 'abcdefghij', truncated: true });
    expect(headText(peek('k', 'abcdefghij'), 10)).toEqual({ text: 'abcdefghij', truncated: false });
  });

  it('believes STRLEN over the bytes read when it was asked for', () => {
    expect(headText(peek('k', 'abc', 60_000, 3), 3)).toEqual({ text: 'abc', truncated: false });
    expect(headText(peek('k', 'abc', 60_000, 4), 3)).toEqual({ text: 'abc', truncated: true });
  });
});

describe('examineKey', () => {
  it('classifies from the head: a plain claim by its TTL, a result as completed, another type as unrecognized', () => {
    expect(examineKey(peek('a', 'processing', (86_400 - 10) * 1000), 512, NOW, config)).toMatchObject({
      key: 'a',
      state: 'processing',
      format: 'plain',
      ageSeconds: 10,
      pttlMs: (86_400 - 10) * 1000,
    });
    expect(examineKey(peek('b', '{"ok":1}'), 512, NOW, config)).toMatchObject({ state: 'completed', format: 'plain' });
    expect(examineKey(peek('c', null, PTTL_NO_EXPIRY), 512, NOW, config)).toMatchObject({ state: 'unrecognized', format: 'unknown', noExpiry: true });
  });

  it('reads a record cut at headBytes as truncated, never as the bare marker', () => {
    const examined = examineKey(peek('d', 'processing-and-more'), 10, NOW, config);
    expect(examined.decoded.truncated).toBe(true);
    expect(examined.state).not.toBe('processing');
  });
});

describe('examine', () => {
  it('drops keys gone since SCAN and the Powertools lock helper, and keeps everything else in order', async () => {
    const peeks = [
      peek('gone', 'processing', PTTL_GONE),
      peek('fn#abc:lock', 'true', 10_000),
      peek('plain:lock', 'true', 10_000),
      peek('fn#abc:lock2', 'true', 10_000),
      peek('fn#def:lock', 'false', 10_000),
      peek('kept', '{"ok":1}'),
      peek('about-to-go', '{"ok":1}', 2),
      peek('hash#x:lock', null, 10_000),
    ];
    const noFollow = async () => {
      throw new Error('nothing to follow');
    };
    expect((await examine(peeks, 512, NOW, config, () => 'plain', noFollow)).map((e) => e.key)).toEqual(['plain:lock', 'fn#abc:lock2', 'fn#def:lock', 'kept', 'about-to-go', 'hash#x:lock']);
  });
});

describe('examine: records that point at others', () => {
  it('follows every pointer of a batch in one round trip, in order, and resolves each from its own replies', async () => {
    const sent: (readonly (readonly string[])[])[] = [];
    const follow = async (commands: readonly (readonly string[])[]) => {
      sent.push(commands);
      // Job 1 is gone; job 2 exists and is waiting.
      return commands.map((c) => (c[0] === 'EXISTS' ? (c[1] === 'q:1' ? 0 : 1) : c[0] === 'HMGET' ? [String(NOW - 5_000), null, null, null, '0'] : c[0] === 'PTTL' ? -2 : null));
    };
    const peeks = [peek('q:de:a', '1', PTTL_NO_EXPIRY), peek('q:de:junk', 'not a job id'), peek('q:de:b', '2', PTTL_NO_EXPIRY)];
    const out = await examine(peeks, 512, NOW, config, () => 'bullmq', follow);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveLength(16);
    expect(sent[0]!.filter((c) => c[0] === 'EXISTS').map((c) => c[1])).toEqual(['q:1', 'q:2']);
    expect(out.map((e) => [e.key, e.state, e.stuckReason, e.decoded.nativeState])).toEqual([
      ['q:de:a', 'stuck', 'stray-gone', 'gone'],
      ['q:de:junk', 'unrecognized', null, null],
      ['q:de:b', 'processing', null, 'waiting'],
    ]);
  });

  it('sends nothing when no record points anywhere', async () => {
    let calls = 0;
    const out = await examine([peek('a', 'processing', (86_400 - 10) * 1000)], 512, NOW, config, () => 'auto', async () => {
      calls++;
      return [];
    });
    expect(calls).toBe(0);
    expect(out[0]).toMatchObject({ format: 'plain', state: 'processing' });
  });

  it('sends nothing for a pointer under a key that names no queue, and leaves it unrecognized', async () => {
    let calls = 0;
    const out = await examine([peek('not-a-dedup-key', '7', PTTL_NO_EXPIRY)], 512, NOW, config, () => 'bullmq', async () => {
      calls++;
      return [];
    });
    expect(calls).toBe(0);
    expect(out[0]).toMatchObject({ state: 'unrecognized', format: 'unknown' });
  });

  it('reads a key of another type as unrecognized and whole, and a peek as plain by default', async () => {
    const [other] = await examine([peek('h', null)], 512, NOW, config, () => 'auto', async () => []);
    expect(other!.decoded).toMatchObject({ format: 'unknown', truncated: false });
    expect(decodePeek(peek('k', '{"ok":1}'), 512)).toMatchObject({ format: 'plain', kind: 'completed' });
  });

  it('reads each key by the format its pattern declares', async () => {
    const none = async () => [];
    const [asPlain] = await examine([peek('k', '{"ok":1}')], 512, NOW, config, () => 'plain', none);
    const [asAuto] = await examine([peek('k', '{"ok":1}')], 512, NOW, config, () => 'auto', none);
    expect(asPlain!.state).toBe('completed');
    expect(asAuto!.state).toBe('unrecognized');
  });
});

import { describe, expect, it } from 'vitest';
import { PTTL_NO_EXPIRY } from './claim';
import { ACTIVE_SCAN_LIMIT, bullmq, queueBase } from './bullmq';
import { valueView } from '.';
import type { DecodedRecord } from './record';

const NOW = 1_800_000_000_000;
const config = { stuckAfterSeconds: 300, plainLockTtlSeconds: 86_400 };
const KEY = 'bull:orders:de:order-7';
const pointer = bullmq.decode(valueView('42', false));

/** Replies in the order of follow.commands: EXISTS, HMGET, lock PTTL, LPOS active, ZSCORE failed/delayed/prioritized/waiting-children. */
function replies(o: { exists?: number; hash?: (string | null)[]; lock?: number; active?: number | null; failed?: string | null; delayed?: string | null; prioritized?: string | null; children?: string | null } = {}) {
  return [o.exists ?? 1, o.hash ?? [String(NOW - 60_000), null, null, null, '0'], o.lock ?? -2, o.active ?? null, o.failed ?? null, o.delayed ?? null, o.prioritized ?? null, o.children ?? null];
}
const resolve = (r: unknown[]) => bullmq.follow!.resolve(pointer, r);
const classify = (record: DecodedRecord, pttl = PTTL_NO_EXPIRY) => bullmq.classify(record, pttl, NOW, config);

describe('bullmq: the dedup key', () => {
  it('holds a bare job id, which it follows; anything else is unrecognized', () => {
    expect(pointer).toMatchObject({ format: 'bullmq', kind: 'pointer', pointer: '42' });
    for (const v of ['', 'a b', 'x:y', '{"status":"processing"}', 'j'.repeat(257)]) {
      expect(bullmq.decode(valueView(v, false)).kind, v).toBe('unrecognized');
    }
    expect(bullmq.decode(valueView('j'.repeat(256), false)).kind).toBe('pointer');
    expect(bullmq.decode(valueView('42', true))).toMatchObject({ kind: 'unrecognized', truncated: true });
    expect(bullmq.detect(valueView('42', false))).toBeNull();
  });

  it('finds the queue from the key, whatever the prefix', () => {
    expect(queueBase(KEY)).toBe('bull:orders:');
    expect(queueBase('t:xyz:bull:q:de:a:de:b')).toBe('t:xyz:bull:q:');
    expect(queueBase(':de:x')).toBeNull();
    expect(queueBase('bull:orders:42')).toBeNull();
  });

  it('follows the job with read-only, bounded commands under the queue', () => {
    expect(bullmq.follow!.commands(KEY, pointer)).toEqual([
      ['EXISTS', 'bull:orders:42'],
      ['HMGET', 'bull:orders:42', 'timestamp', 'processedOn', 'finishedOn', 'failedReason', 'atm'],
      ['PTTL', 'bull:orders:42:lock'],
      ['LPOS', 'bull:orders:active', '42', 'MAXLEN', String(ACTIVE_SCAN_LIMIT)],
      ['ZSCORE', 'bull:orders:failed', '42'],
      ['ZSCORE', 'bull:orders:delayed', '42'],
      ['ZSCORE', 'bull:orders:prioritized', '42'],
      ['ZSCORE', 'bull:orders:waiting-children', '42'],
    ]);
    expect(bullmq.follow!.commands('no-dedup-here', pointer)).toEqual([]);
    expect(bullmq.follow!.commands(KEY, { ...pointer, pointer: null })).toEqual([]);
    expect(resolve([])).toMatchObject({ kind: 'unrecognized', format: 'unknown' });
  });
});

describe('bullmq: jobs not yet finished are in flight, with their BullMQ state', () => {
  it.each([
    ['waiting', {}],
    ['delayed', { delayed: String(NOW + 1000) }],
    ['prioritized', { prioritized: '5' }],
    ['waiting-children', { children: '1' }],
  ] as const)('%s: processing, aged from when it was added', (state, o) => {
    const record = resolve(replies(o));
    expect(record).toMatchObject({ kind: 'in-flight', nativeState: state, startedAtMs: NOW - 60_000 });
    expect(classify(record)).toMatchObject({ state: 'processing', ageSeconds: 60, stuckReason: null, stuckForSeconds: null, format: 'bullmq', noExpiry: true });
    expect(bullmq.releasable(record, classify(record))).toBe(false);
  });

  it('active with its lock held: processing until the stuck threshold, then stuck', () => {
    const started = (agoMs: number) => resolve(replies({ active: 0, lock: 20_000, hash: [String(NOW - 900_000), String(NOW - agoMs), null, null, '0'] }));
    expect(started(299_999)).toMatchObject({ nativeState: 'active', locked: true });
    expect(classify(started(299_999))).toMatchObject({ state: 'processing', ageSeconds: 299, stuckReason: null });
    expect(classify(started(300_000))).toMatchObject({ state: 'stuck', ageSeconds: 300, stuckReason: 'older-than-threshold', stuckForSeconds: 300 });
    expect(bullmq.releasable(started(300_000), classify(started(300_000)))).toBe(false);
  });

  it('active with its lock gone: stalled, shown and never released', () => {
    const record = resolve(replies({ active: 3, lock: -2, hash: [String(NOW - 20_000), String(NOW - 10_000), null, null, '0'] }));
    expect(record).toMatchObject({ locked: false });
    const c = classify(record);
    expect(c).toMatchObject({ state: 'stuck', stuckReason: 'stalled', ageSeconds: 10, stuckForSeconds: 10 });
    expect(bullmq.releasable(record, c)).toBe(false);
  });

  it('a lock with no expiry still counts as held', () => {
    expect(resolve(replies({ active: 0, lock: -1 }))).toMatchObject({ locked: true });
  });
});

describe('bullmq: finished and vanished jobs', () => {
  const done = (failed: boolean) => resolve(replies({ hash: [String(NOW - 90_000), String(NOW - 80_000), String(NOW - 70_000), failed ? 'boom' : null, '1'], failed: failed ? String(NOW) : null }));

  it('throttle keys (with TTL) of finished jobs are completed or failed until their TTL ends', () => {
    expect(done(false)).toMatchObject({ kind: 'completed', nativeState: 'completed', completedAtMs: NOW - 70_000, failedAtMs: null });
    expect(done(true)).toMatchObject({ kind: 'failed', nativeState: 'failed', failedAtMs: NOW - 70_000 });
    expect(classify(done(false), 5_000)).toMatchObject({ state: 'completed', ageSeconds: 70, ttlSeconds: 5, stuckReason: null });
    expect(classify(done(true), 5_000)).toMatchObject({ state: 'failed', ageSeconds: 70, stuckReason: null });
    expect(bullmq.releasable(done(false), classify(done(false), 5_000))).toBe(false);
  });

  it('a key without TTL whose job finished is a stray: stuck, releasable', () => {
    const c = classify(done(false));
    expect(c).toMatchObject({ state: 'stuck', stuckReason: 'stray-finished', ageSeconds: 70, stuckForSeconds: 70 });
    expect(bullmq.releasable(done(false), c)).toBe(true);
    expect(classify(done(true))).toMatchObject({ state: 'stuck', stuckReason: 'stray-finished' });
  });

  it('a key without TTL whose job is gone is a stray too; with a TTL it is a throttle window running out', () => {
    const gone = resolve(replies({ exists: 0 }));
    expect(gone).toMatchObject({ kind: 'stray', nativeState: 'gone' });
    const stray = classify(gone);
    expect(stray).toMatchObject({ state: 'stuck', stuckReason: 'stray-gone', ageSeconds: null });
    expect(stray.stuckForSeconds).toBe(Number.POSITIVE_INFINITY);
    expect(bullmq.releasable(gone, stray)).toBe(true);
    expect(classify(gone, 1_000)).toMatchObject({ state: 'completed', stuckReason: null, ttlSeconds: 1 });
  });

  it('a pointer never followed is unrecognized, never completed', () => {
    expect(classify(pointer)).toMatchObject({ state: 'unrecognized', stuckReason: null });
  });

  it('reads missing replies as nothing found: a job that is waiting, of unknown age', () => {
    const record = resolve([1]);
    expect(record).toMatchObject({ kind: 'in-flight', nativeState: 'waiting', startedAtMs: null });
    expect(resolve([1, null, -2])).toMatchObject({ kind: 'in-flight', nativeState: 'waiting', startedAtMs: null });
  });

  it('names what it goes by: only a declared pattern', () => {
    expect(bullmq.signature).toMatch(/^declared only/);
  });

  it('reads unparsable timestamps as unknown', () => {
    const record = resolve(replies({ hash: ['soon', null, null, null, null] }));
    expect(record).toMatchObject({ startedAtMs: null, kind: 'in-flight' });
    expect(classify(record)).toMatchObject({ state: 'processing', ageSeconds: null });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAction } from '../../lib/actions/release-action';
import { releaseBody } from '../../lib/actions/schemas';
import { BulkLimitError, InvalidParameterError } from '../../lib/errors';
import { encodeRecord } from '../../lib/idempotency/record';
import { bucketStart, statsKey } from '../../lib/idempotency/stats-keys';
import { redisDedupStore } from '../../lib/stores/redis/dedup-store';
import { actionFixture, operator, type ActionFixture } from './setup';

// What every store does is in tests/stores (the contract); here, what only Redis has: its formats, types and counters.
let f: ActionFixture;

beforeAll(async () => {
  f = await actionFixture('redis_release');
});
afterAll(() => f.close());

const k = (name: string) => `${f.keyPrefix}${name}`;
const inFlight = (consumer: string, startedAt = Date.now() - 600_000) =>
  encodeRecord({ fmt: 'idemscope', v: 1, status: 'processing', owner: randomUUID(), consumer, startedAt, leaseExpiresAt: startedAt + 30_000 });
const powertools = () => JSON.stringify({ status: 'INPROGRESS', expiration: Math.floor(Date.now() / 1000) + 3000, in_progress_expiration: Date.now() - 60_000 });
const body = (b: object) => releaseBody.parse(b);

describe('release of Redis keys: preview, then compare-and-delete', () => {
  it('previews every in-flight format with its exact state and explains the rest', async () => {
    await f.redis.set(k('plain'), 'processing', { EX: 86_400 - 900 });
    await f.redis.set(k('idem'), inFlight('billing'), { PX: 3_600_000 });
    await f.redis.set(`${f.prefix}pt:fn#abc`, powertools(), { EX: 3000 });
    await f.redis.set(k('done'), encodeRecord({ fmt: 'idemscope', v: 1, status: 'completed', consumer: 'billing', startedAt: 1, completedAt: 2, result: 1 }));

    const preview = await f.stores.redis.previewRelease({ keys: [k('plain'), k('idem'), `${f.prefix}pt:fn#abc`, k('done'), k('nope')] });
    expect(preview.wouldRelease.map((i) => [i.key, i.state.format, i.state.state])).toEqual([
      [k('plain'), 'plain', 'stuck'],
      [k('idem'), 'idemscope', 'stuck'],
      [`${f.prefix}pt:fn#abc`, 'powertools', 'stuck'],
    ]);
    // Time passes between the SET and the preview: a range, never an exact age.
    expect(preview.wouldRelease[0]!.state.ageSeconds).toBeGreaterThanOrEqual(900);
    expect(preview.wouldRelease[0]!.state.ageSeconds).toBeLessThan(930);
    expect(preview.wouldRelease[1]!.state.consumer).toBe('billing');
    for (const item of preview.wouldRelease) expect(item.seen).toMatch(/^[0-9a-f]{40}$/);
    expect(preview.skipped).toEqual([
      { key: k('done'), reason: 'not-in-flight' },
      { key: k('nope'), reason: 'missing' },
    ]);

    const minuteBefore = bucketStart(Date.now(), 'm');
    const result = await f.stores.redis.release(preview.wouldRelease);
    const minuteAfter = bucketStart(Date.now(), 'm');
    expect(result.released).toEqual(preview.wouldRelease.map((i) => i.key));
    expect(await f.redis.exists([k('plain'), k('idem'), `${f.prefix}pt:fn#abc`])).toBe(0);
    expect(await f.redis.exists(k('done'))).toBe(1);

    // The release counts in the minute it ran, which may have ended before this line: look at both.
    const minutes = [...new Set([minuteBefore, minuteAfter])].map((start) => statsKey(f.statsPrefix, 'm', start));
    const counted = await Promise.all(minutes.map((minute) => f.redis.hGet(minute, 'billing|releases')));
    expect(counted.reduce((sum, n) => sum + Number(n ?? 0), 0)).toBe(1);
    const minute = minutes[counted.findIndex((n) => n !== null && n !== undefined)]!;
    expect(await f.redis.ttl(minute)).toBeGreaterThan(0);
  });

  it('refuses a forged seen that would delete a completed record', async () => {
    const value = '{"fmt":"idemscope","v":1,"status":"completed","consumer":"c","startedAt":1,"completedAt":2,"result":null}';
    await f.redis.set(k('forged'), value);
    const { createHash } = await import('node:crypto');
    const seen = createHash('sha1').update(value).digest('hex');
    expect((await f.stores.redis.release([{ key: k('forged'), seen }])).skipped).toEqual([{ key: k('forged'), reason: 'not-in-flight' }]);
    expect(await f.redis.get(k('forged'))).toBe(value);
  });

  it('leaves non-string keys alone instead of aborting the batch', async () => {
    await f.redis.hSet(k('hash'), 'a', '1');
    await f.redis.set(k('after-hash'), 'processing', { EX: 60 });
    const preview = await f.stores.redis.previewRelease({ keys: [k('hash'), k('after-hash')] });
    expect(preview.skipped).toEqual([{ key: k('hash'), reason: 'not-in-flight' }]);
    const fake = { key: k('hash'), seen: '0'.repeat(40) };
    const result = await f.stores.redis.release([fake, ...preview.wouldRelease]);
    expect(result).toEqual({ released: [k('after-hash')], skipped: [{ key: k('hash'), reason: 'not-in-flight' }] });
  });

  it('selects only records stuck for at least olderThanSeconds', async () => {
    await f.redis.set(k('old-1'), inFlight('c', Date.now() - 7_200_000), { PX: 3_600_000 });
    await f.redis.set(k('old-2'), 'processing', { EX: 86_400 - 7200 });
    await f.redis.set(k('recent-stuck'), inFlight('c', Date.now() - 600_000), { PX: 3_600_000 });
    await f.redis.set(k('young'), encodeRecord({ fmt: 'idemscope', v: 1, status: 'processing', owner: 'o', consumer: 'c', startedAt: Date.now(), leaseExpiresAt: Date.now() + 60_000 }), { PX: 60_000 });
    const preview = await f.stores.redis.previewRelease({ olderThanSeconds: 3600 });
    expect(preview.wouldRelease.map((i) => i.key).sort()).toEqual([k('old-1'), k('old-2')].sort());
    expect(preview.complete).toBe(true);
    expect(preview.more).toBe(false);

    const small = await redisDedupStore(f.redis, { ...f.config, bulkLimit: 1 }).previewRelease({ olderThanSeconds: 3600 });
    expect(small.count).toBe(1);
    expect(small.more).toBe(true);
  });
});

describe('releaseAction input rules', () => {
  it('refuses keys outside the configured patterns, naming the field', async () => {
    const attempt = releaseAction(f, 'redis', operator, body({ keys: [k('fine'), 'session:admin'], dryRun: true }));
    await expect(attempt).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(attempt).rejects.toThrow(/^keys\.1: is not under IDEMSCOPE_KEY_PATTERNS/);
    await expect(releaseAction(f, 'redis', operator, body({ keys: [`${f.statsPrefix}m:1`], dryRun: true }))).rejects.toThrow(/keys\.0/);
  });

  it('refuses more keys than IDEMSCOPE_BULK_LIMIT, stating the limit', async () => {
    const keys = Array.from({ length: 4 }, (_, i) => k(`n${i}`));
    const attempt = releaseAction({ ...f, config: { ...f.config, bulkLimit: 3 } }, 'redis', operator, body({ keys, dryRun: true }));
    await expect(attempt).rejects.toBeInstanceOf(BulkLimitError);
    await expect(attempt).rejects.toThrow(/at most 3 targets per request \(IDEMSCOPE_BULK_LIMIT=3\); got 4/);
  });

  it('needs a reason for a bulk confirmation but not for a single key', async () => {
    await expect(releaseAction(f, 'redis', operator, body({ keys: [k('a'), k('b')] }))).rejects.toThrow(/^reason: is required/);
    await expect(releaseAction(f, 'redis', operator, body({ olderThanSeconds: 60 }))).rejects.toThrow(/^reason/);
    const single = await releaseAction(f, 'redis', operator, body({ keys: [k('unknown-key')] }));
    expect(single.dryRun === false && single.body.skipped).toEqual([{ key: k('unknown-key'), reason: 'missing' }]);
  });
});


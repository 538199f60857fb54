import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkLimitError } from '../../lib/errors';
import { releaseAction } from '../../lib/actions/release-action';
import { releaseBody } from '../../lib/actions/schemas';
import { InvalidParameterError } from '../../lib/errors';
import { idempotent, RedisStore } from '../../lib/idempotency';
import { encodeRecord } from '../../lib/idempotency/record';
import { bucketStart, statsKey } from '../../lib/idempotency/stats-keys';
import { newRedisClient, type TestRedisClient } from '../helpers/redis-client';
import { redisDedupStore } from '../../lib/stores/redis/dedup-store';
import { actionFixture, operator, type ActionFixture } from './setup';

let f: ActionFixture;
let store: RedisStore;
let consumerConnection: TestRedisClient;
let consumerStore: RedisStore;

beforeAll(async () => {
  f = await actionFixture('redis_release');
  store = new RedisStore(f.redis, { keyPrefix: f.keyPrefix, statsPrefix: f.statsPrefix });
  consumerConnection = await newRedisClient();
  consumerStore = new RedisStore(consumerConnection, { keyPrefix: f.keyPrefix, statsPrefix: f.statsPrefix });
});
afterAll(async () => {
  consumerConnection.destroy();
  await f.close();
});

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
    expect(preview.wouldRelease[0]!.state.ageSeconds).toBe(900);
    expect(preview.wouldRelease[1]!.state.consumer).toBe('billing');
    for (const item of preview.wouldRelease) expect(item.seen).toMatch(/^[0-9a-f]{40}$/);
    expect(preview.skipped).toEqual([
      { key: k('done'), reason: 'not-in-flight' },
      { key: k('nope'), reason: 'missing' },
    ]);

    const result = await f.stores.redis.release(preview.wouldRelease);
    expect(result.released).toEqual(preview.wouldRelease.map((i) => i.key));
    expect(await f.redis.exists([k('plain'), k('idem'), `${f.prefix}pt:fn#abc`])).toBe(0);
    expect(await f.redis.exists(k('done'))).toBe(1);

    const minute = statsKey(f.statsPrefix, 'm', bucketStart(Date.now(), 'm'));
    expect(await f.redis.hGet(minute, 'billing|releases')).toBe('1');
    expect(await f.redis.ttl(minute)).toBeGreaterThan(0);
  });

  it('skips a record that changed, completed or vanished after the preview', async () => {
    for (const name of ['taken', 'completes', 'vanishes']) await f.redis.set(k(name), inFlight('c'), { PX: 3_600_000 });
    const preview = await f.stores.redis.previewRelease({ keys: [k('taken'), k('completes'), k('vanishes')] });
    await f.redis.set(k('taken'), inFlight('c'), { PX: 3_600_000 });
    await f.redis.set(k('completes'), '{"orderId":1}', { EX: 3600 });
    await f.redis.del(k('vanishes'));

    const result = await f.stores.redis.release(preview.wouldRelease);
    expect(result.released).toEqual([]);
    expect(result.skipped).toEqual([
      { key: k('taken'), reason: 'changed' },
      { key: k('completes'), reason: 'not-in-flight' },
      { key: k('vanishes'), reason: 'missing' },
    ]);
    expect(await f.redis.get(k('completes'))).toBe('{"orderId":1}');
    expect(await f.redis.exists(k('taken'))).toBe(1);
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

describe('race: a record completes between preview and release', () => {
  it('never loses the completion, in 200 rounds of each interleaving', { timeout: 60_000 }, async () => {
    let releasedFirst = 0;
    for (let round = 0; round < 400; round++) {
      const key = `race-${round}`;
      const { claimed } = await store.claim({ key, consumer: 'racer', owner: randomUUID(), leaseMs: 1 });
      const preview = await f.stores.redis.previewRelease({ keys: [f.keyPrefix + key] });
      expect(preview.wouldRelease).toHaveLength(1);

      if (round % 2 === 0) {
        // Strictly between: the completion lands, then the confirmation arrives.
        expect(await store.complete(claimed!, { round }, 3600)).toBe(true);
        const result = await f.stores.redis.release(preview.wouldRelease);
        expect(result.skipped).toEqual([{ key: f.keyPrefix + key, reason: 'not-in-flight' }]);
        expect((await store.get(key))?.status).toBe('completed');
      } else {
        // Truly concurrent, over two connections, either one sent first: whichever
        // wins, a stored completion is never deleted.
        const complete = () => consumerStore.complete(claimed!, { round }, 3600);
        const release = () => f.stores.redis.release(preview.wouldRelease);
        const [completed, result] =
          round % 4 === 1 ? await Promise.all([complete(), release()]) : await Promise.all([release(), complete()]).then(([r, c]) => [c, r] as const);
        const record = await store.get(key);
        if (completed) {
          expect(result.released).toEqual([]);
          expect(record?.status).toBe('completed');
        } else {
          releasedFirst++;
          expect(result.released).toEqual([f.keyPrefix + key]);
          expect(record).toBeNull();
        }
      }
    }
    console.info(`concurrent rounds where the release won: ${releasedFirst}/200`);
  });
});

describe('after a release, a redelivery is processed normally', () => {
  it('runs the handler again through the library', async () => {
    const runs: string[] = [];
    const handle = idempotent(
      async (m: { id: string }) => {
        runs.push(m.id);
        return { charged: m.id };
      },
      { store, consumer: 'payments', key: (m) => m.id, leaseMs: 60_000 },
    );
    // A delivery that crashed mid-handler: its claim stays in flight.
    await store.claim({ key: 'order-7', consumer: 'payments', owner: randomUUID(), leaseMs: 60_000 });
    await expect(handle.process({ id: 'order-7' })).rejects.toThrow(/being processed/);

    const preview = await releaseAction(f, 'redis', operator, body({ keys: [f.keyPrefix + 'order-7'], dryRun: true }));
    expect(preview.dryRun && preview.preview.count).toBe(1);
    const items = preview.dryRun ? preview.preview.wouldRelease.map(({ key, seen }) => ({ key, seen })) : [];
    const done = await releaseAction(f, 'redis', operator, body({ keys: items }));
    expect(done.dryRun === false && done.body.released).toEqual([f.keyPrefix + 'order-7']);

    expect(await handle.process({ id: 'order-7' })).toEqual({ outcome: 'processed', key: 'order-7', result: { charged: 'order-7' } });
    expect(runs).toEqual(['order-7']);
    expect(await handle.process({ id: 'order-7' })).toMatchObject({ outcome: 'duplicate' });
  });
});

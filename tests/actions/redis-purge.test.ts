import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../lib/audit/audit-log';
import { purgeAction } from '../../lib/actions/purge-action';
import type { RedisPurgePreview } from '../../lib/contract/actions';
import { redisAccess } from '../../lib/stores/redis/access';
import { purgeKeys } from '../../lib/stores/redis/purge';
import { purgeBody } from '../../lib/actions/schemas';
import { actionFixture, operator, type ActionFixture } from './setup';

let f: ActionFixture;
beforeAll(async () => {
  f = await actionFixture('redis_purge', { retentionHours: 2 });
});
afterAll(() => f.close());

const k = (name: string) => `${f.keyPrefix}${name}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Redis purge: keys without TTL and expired Powertools records', () => {
  it('previews only what Redis would never expire on its own', async () => {
    await f.redis.set(k('forever'), '{"orderId":1}');
    await f.redis.set(k('forever-big'), JSON.stringify({ blob: 'x'.repeat(5000) }));
    await f.redis.set(k('has-ttl'), '{"orderId":2}', { EX: 600 });
    await f.redis.set(`${f.prefix}pt:fn#old`, JSON.stringify({ status: 'COMPLETED', expiration: nowSeconds() - 60, data: 1 }), { EX: 600 });
    await f.redis.set(`${f.prefix}pt:fn#fresh`, JSON.stringify({ status: 'COMPLETED', expiration: nowSeconds() + 600, data: 1 }), { EX: 600 });

    const preview = await (f.stores.redis.previewPurge() as Promise<RedisPurgePreview>);
    const found = Object.fromEntries(preview.wouldPurge.map((c) => [c.key, c.why]));
    expect(found).toEqual({ [k('forever')]: 'no-expiry', [k('forever-big')]: 'no-expiry', [`${f.prefix}pt:fn#old`]: 'expired' });
    expect(preview).toMatchObject({ complete: true, more: false, ttlSeconds: 7200 });
  });

  it('applies the retention as TTL, never shortening a TTL set meanwhile', async () => {
    await f.redis.set(k('t1'), 'a');
    await f.redis.set(k('t2'), 'b');
    const preview = (await (f.stores.redis.previewPurge() as Promise<RedisPurgePreview>)).wouldPurge.filter((c) => [k('t1'), k('t2')].includes(c.key));
    await f.redis.expire(k('t2'), 30);
    const result = await purgeKeys(redisAccess(f.redis, f.config), 'expire', preview);
    expect(result).toEqual({ purged: [k('t1')], skipped: [{ key: k('t2'), reason: 'has-ttl' }] });
    expect(await f.redis.ttl(k('t1'))).toBeGreaterThan(7000);
    expect(await f.redis.ttl(k('t2'))).toBeLessThanOrEqual(30);
  });

  it('deletes only keys still as previewed', async () => {
    await f.redis.set(k('d1'), 'a');
    await f.redis.set(k('d2'), 'b');
    await f.redis.set(k('d3'), 'c');
    const preview = (await (f.stores.redis.previewPurge() as Promise<RedisPurgePreview>)).wouldPurge.filter((c) => c.key.match(/d[123]$/));
    await f.redis.set(k('d2'), 'rewritten');
    await f.redis.del(k('d3'));
    const result = await purgeKeys(redisAccess(f.redis, f.config), 'delete', preview);
    expect(result.purged).toEqual([k('d1')]);
    expect(result.skipped.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: k('d2'), reason: 'changed' },
      { key: k('d3'), reason: 'missing' },
    ]);
    expect(await f.redis.get(k('d2'))).toBe('rewritten');
  });

  it('goes through preview and confirmation with a reason', async () => {
    const preview = await purgeAction(f, operator, purgeBody.parse({ store: 'redis', dryRun: true }));
    expect(preview.dryRun).toBe(true);
    const keys = preview.dryRun && preview.preview.store === 'redis' ? preview.preview.wouldPurge.map(({ key, seen }) => ({ key, seen })) : [];
    expect(keys.length).toBeGreaterThan(0);
    await expect(purgeAction(f, operator, purgeBody.parse({ store: 'redis', mode: 'delete', keys }))).rejects.toThrow(/^reason/);
    await expect(purgeAction(f, operator, purgeBody.parse({ store: 'redis', keys, reason: 'x' }))).rejects.toThrow(/^mode/);
    const actionId = randomUUID();
    const done = await purgeAction(f, operator, purgeBody.parse({ store: 'redis', mode: 'delete', keys, reason: 'clean up leaked keys', actionId }));
    expect(done.dryRun === false && done.body).toMatchObject({ store: 'redis', mode: 'delete', skipped: [] });
    // The intent names the keys the confirmation sent, before any is touched.
    const intent = (await listAudit(f.db, {}, 50)).items.find((e) => e.actionId === actionId && e.outcome === 'intent');
    expect(intent).toMatchObject({ store: 'redis', targets: keys.map((t) => t.key) });
    expect(await f.redis.exists([k('forever'), `${f.prefix}pt:fn#old`])).toBe(0);
    expect(await f.redis.exists([`${f.prefix}pt:fn#fresh`, k('has-ttl')])).toBe(2);
  });
});

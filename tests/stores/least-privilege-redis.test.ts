import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorePrivilegeError } from '../../lib/errors';
import { RedisStore } from '../../lib/idempotency';
import { connectRedis, type RedisClient } from '../../lib/stores/redis/connection';
import { redisDedupStore } from '../../lib/stores/redis/dedup-store';
import { actionFixture, type ActionFixture } from '../actions/setup';
import { newRedisClient, TEST_REDIS_URL, type TestRedisClient } from '../helpers/redis-client';

/**
 * A dashboard whose Redis user may only read (an ACL with +@read): every read
 * works, and a release is refused as a 403 naming what the ACL denied, never
 * read as an outage, with the key left as it was.
 */
const user = `idemscope_ro_${randomBytes(3).toString('hex')}`;
const password = randomBytes(12).toString('hex');
let fixture: ActionFixture;
let admin: TestRedisClient;
let readOnly: RedisClient;

beforeAll(async () => {
  fixture = await actionFixture('redis_least_privilege');
  admin = await newRedisClient();
  await admin.sendCommand(['ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '+@read', '+@connection', '-@write', '-@scripting']);
  const url = new URL(TEST_REDIS_URL);
  url.username = user;
  url.password = password;
  readOnly = connectRedis(url.toString(), 'read-only redis (test)');
  await readOnly.connect().catch(() => undefined);
});

afterAll(async () => {
  readOnly.destroy();
  await admin.sendCommand(['ACL', 'DELUSER', user]);
  admin.destroy();
  await fixture.close();
});

describe('a dashboard Redis user that may only read', () => {
  it('previews a stuck key, then refuses the release naming the denied command, and leaves the key', async () => {
    const key = `order-${randomUUID()}`;
    const library = new RedisStore(admin, { keyPrefix: fixture.keyPrefix, statsPrefix: fixture.statsPrefix });
    await library.claim({ key, consumer: 'billing', owner: randomUUID(), leaseMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const store = redisDedupStore(readOnly, fixture.config);

    const preview = await store.previewRelease({ keys: [fixture.keyPrefix + key] });
    expect(preview.wouldRelease.map((i) => i.key)).toEqual([fixture.keyPrefix + key]);
    const refused = await store.release(preview.wouldRelease).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StorePrivilegeError);
    expect((refused as StorePrivilegeError).status).toBe(403);
    expect((refused as StorePrivilegeError).missing[0]).toMatch(/^permission to run EVAL(SHA)?$/);
    expect((await library.get(key))?.status).toBe('processing');
  });
});

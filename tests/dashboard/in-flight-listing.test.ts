import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inFlightPageReader } from '../../lib/stores/redis/in-flight-pages';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import { inFlightListingSuite } from './helpers/in-flight-listing-suite';

inFlightListingSuite('single node', { connect: newRedisClient, deleteByPrefix, cluster: false });

// The seek itself, over a sorted set of ties: members of one score in Redis's byte order, whatever
// the server's locale, and a walk that continues after its last member was removed.
describe('a page of the in-flight index after a position', () => {
  let client: TestRedisClient;
  const prefix = testPrefix('in-flight-page');
  const index = `${prefix}in-flight`;

  beforeAll(async () => {
    client = await newRedisClient();
  });

  afterAll(async () => {
    await deleteByPrefix(client, prefix);
    client.destroy();
  });

  it('walks ties bytewise, one member a page, even when the last member passed is gone', async () => {
    const members = ['b', 'B', 'a', 'é', 'ab', 'z', 'Z9', 'a\u0000'];
    await client.zAdd(index, [...members.map((value) => ({ score: 5, value })), { score: 4, value: 'first' }, { score: 6, value: 'last' }]);
    const order = (await client.zRange(index, 0, -1)).map(String);
    const page = inFlightPageReader(client);
    const walked: string[] = [];
    let after = null as { score: number; member: string | null } | null;
    for (let i = 0; i < 20; i++) {
      const [next] = await page([index], after, null, 1);
      if (!next) break;
      walked.push(next.key);
      after = { score: next.score, member: next.key };
      // Remove the member just passed: the next page must start after where it stood.
      if (next.key === 'B' || next.key === 'ab') await client.zRem(index, next.key);
    }
    expect(walked).toEqual(order);
    expect(await page([index], { score: 5, member: null }, null, 10)).toEqual([{ key: 'last', score: 6 }]);
    expect((await page([index], null, 4.5, 10)).map((e) => e.key)).toEqual(['first']);
    expect(await page([`${prefix}missing`], null, null, 10)).toEqual([]);
    await client.set(`${prefix}string`, 'x');
    expect(await page([`${prefix}string`], null, null, 10)).toEqual([]);
  });
});

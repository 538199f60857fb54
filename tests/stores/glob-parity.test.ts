import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globMatches } from '../../lib/records/glob';
import { deleteByPrefix, keysByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';

/**
 * globMatches decides which keys an action may touch and which pattern a key
 * counts under, so it must agree with Redis's own MATCH on every pattern an
 * operator may write, odd ones included. Redis is the judge here.
 */
const prefix = testPrefix('glob');
const ALPHABET = ['a', 'b', 'c', 'z', '-', ']', '[', '\\', '^', '!', '*', '?', 'x'];

/** Every key of up to two characters over the alphabet, and a few longer ones. */
const SUFFIXES = [
  '',
  ...ALPHABET,
  ...ALPHABET.flatMap((a) => ALPHABET.map((b) => a + b)),
  'abc',
  'azb',
  'a-b',
  'xyz',
  'aXz',
];

const PATTERNS = [
  '*',
  '?',
  '??',
  'a*',
  '*a',
  '*a*b',
  '[abz]',
  '[a-c]',
  '[c-a]',
  '[^a]',
  '[^a-c]',
  '[a-]',
  '[-a]',
  '[]a]',
  '[a]]',
  '[\\]]',
  '[\\-]',
  '[a\\-z]',
  '[a-c-z]',
  '[^]',
  '[^',
  '[!a]',
  '[a',
  '[',
  'a\\',
  '\\a',
  '\\*',
  '\\?',
  '\\[a]',
  '[[]',
  '[*]',
  '[?]*',
  'a[bc]*',
  '[A-Z]*',
];

let redis: TestRedisClient;

beforeAll(async () => {
  redis = await newRedisClient();
  await Promise.all(SUFFIXES.map((suffix) => redis.set(prefix + suffix, '1', { expiration: { type: 'EX', value: 600 } })));
});

afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  redis.destroy();
});

async function redisMatches(glob: string): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const keys of redis.scanIterator({ MATCH: prefix + glob, COUNT: 1000 })) for (const key of keys) found.add(key.slice(prefix.length));
  return found;
}

describe('globMatches agrees with Redis MATCH', () => {
  it('has every seeded key in place', async () => {
    expect((await keysByPrefix(redis, prefix)).length).toBe(SUFFIXES.length);
  });

  it.each(PATTERNS)('%s', async (glob) => {
    const redisSays = await redisMatches(glob);
    const mismatched = SUFFIXES.filter((suffix) => globMatches(prefix + glob, prefix + suffix) !== redisSays.has(suffix));
    expect(mismatched.map((suffix) => `${JSON.stringify(suffix)}: Redis ${redisSays.has(suffix)}`)).toEqual([]);
  });
});

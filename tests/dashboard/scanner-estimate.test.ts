import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyPatterns } from '../../lib/records/key-patterns';
import { KeyspaceScanner } from '../../lib/scanner/scanner';
import { redisKeyspace, type KeyspaceReader } from '../../lib/stores/redis/keyspace';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import { scannerOptions, testConfig } from './helpers/dataset';

const prefix = testPrefix('estimate');
const config = testConfig(prefix, { keyPatterns: parseKeyPatterns([`${prefix}idempotency:*=plain`]) });
const IN_FLIGHT = 10_000;
const COMPLETED = 10_000;
let redis: TestRedisClient;

beforeAll(async () => {
  redis = await newRedisClient();
  // State follows insertion order and name: the first half in flight (claimed just now, with the
  // recipe's EX), the second completed. A sample
  // biased by either would miss the split.
  for (let i = 0; i < IN_FLIGHT + COMPLETED; i += 1000) {
    const batch = redis.multi();
    for (let j = i; j < i + 1000; j++) batch.set(`${prefix}idempotency:${String(j).padStart(6, '0')}`, j < IN_FLIGHT ? 'processing' : '{"ok":true}', { EX: config.plainLockTtlSeconds });
    await batch.exec();
  }
});

afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  redis.destroy();
});

describe('estimates before the first pass completes (real Redis)', () => {
  it('estimates each state from the part of the keyspace walked so far, within its stated 95 % bound', async () => {
    const inner = redisKeyspace(redis);
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let blocked!: () => void;
    const reachedGate = new Promise<void>((resolve) => (blocked = resolve));
    const size = await redis.dbSize();
    // Stop after about a fifth of the database's buckets (COUNT walks at least that many per step).
    const steps = Math.max(2, Math.ceil(size / 5 / 1000));
    const reader: KeyspaceReader = {
      ...inner,
      async scan(pattern, cursor, count) {
        if (++calls > steps) {
          blocked();
          await gate;
        }
        return inner.scan(pattern, cursor, count);
      },
      // The scanner reads each shard's own reader: the single node's is this gated one.
      shards: async () => [{ node: 'redis', slots: null, reader }],
    };
    const scanner = new KeyspaceScanner(reader, scannerOptions(config, { scanCount: 1000 }));
    expect(scanner.estimate()).toBeNull();
    const pass = scanner.runPass().catch(() => null);
    await reachedGate;
    const estimate = scanner.estimate()!;
    await scanner.stop();
    release();
    await pass;

    expect(estimate.sampledFraction).toBeGreaterThan(0);
    expect(estimate.sampledFraction).toBeLessThan(1);
    expect(estimate.keysSampled).toBeLessThan(IN_FLIGHT + COMPLETED);
    // Four standard deviations (twice the 95 % half-width): a check that fails for a biased sample,
    // not for an unlucky one.
    const within = (e: { value: number; margin: number }, truth: number) => Math.abs(e.value - truth) <= 2 * e.margin;
    expect(estimate.keys.margin).toBeGreaterThan(0);
    expect(within(estimate.keys, IN_FLIGHT + COMPLETED), JSON.stringify(estimate.keys)).toBe(true);
    expect(within(estimate.byState.processing, IN_FLIGHT), JSON.stringify(estimate.byState.processing)).toBe(true);
    expect(within(estimate.byState.completed, COMPLETED), JSON.stringify(estimate.byState.completed)).toBe(true);
    expect(estimate.byState.stuck.value).toBe(0);
  });
});

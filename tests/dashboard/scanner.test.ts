import { keyPatternText } from '../../lib/records/key-patterns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeyspace, singleNodeKeyspace } from '../../lib/stores/redis/keyspace';
import { KeyspaceScanner, ScanTimeoutError, type ScannerOptions } from '../../lib/scanner/scanner';
import { EXPIRY_HOURS } from '../../lib/scanner/snapshot';
import { RECORD_FORMATS, RECORD_STATES } from '../../lib/records/states';
import { deleteByPrefix, newRedisClient, QUIET_TEST_REDIS_URL, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import { countBy, scannerOptions, seedRedis, seedRedisStats, testConfig, type SeededKey } from './helpers/dataset';
import { connectPowertoolsClient, type PowertoolsClient } from './helpers/powertools';

let redis: TestRedisClient;
let powertools: PowertoolsClient;
let seeded: SeededKey[];
const prefix = testPrefix('scanner');
const config = testConfig(prefix);

const options = (overrides: Partial<ScannerOptions> = {}): ScannerOptions => scannerOptions(config, overrides);

beforeAll(async () => {
  redis = await newRedisClient(QUIET_TEST_REDIS_URL);
  powertools = await connectPowertoolsClient(QUIET_TEST_REDIS_URL);
  seeded = await seedRedis(redis, powertools, prefix);
  await seedRedisStats(redis, config.statsPrefix, Date.now());
});

afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  redis.destroy();
  await powertools.close();
});

describe('one keyspace pass', () => {
  it('counts every seeded key exactly once, by state, format, pattern and expiry', async () => {
    const snapshot = await new KeyspaceScanner(redisKeyspace(redis), options()).runPass();

    const byState = countBy(seeded, (k) => k.state);
    for (const state of RECORD_STATES) expect(snapshot.byState[state], state).toBe(byState[state] ?? 0);
    const byFormat = countBy(seeded, (k) => k.format);
    for (const format of RECORD_FORMATS) expect(snapshot.byFormat[format], format).toBe(byFormat[format] ?? 0);
    expect(snapshot.keys).toBe(seeded.length);
    expect(snapshot.noExpiry).toBe(seeded.filter((k) => k.noExpiry).length);
    expect(snapshot.truncated).toBe(3);

    snapshot.byPattern.forEach((p, index) => {
      const mine = seeded.filter((k) => k.pattern === index);
      expect(p.pattern).toBe(keyPatternText(config.keyPatterns[index]!));
      expect(p.keys, p.pattern).toBe(mine.length);
      const states = countBy(mine, (k) => k.state);
      for (const state of RECORD_STATES) expect(p.byState[state], `${p.pattern} ${state}`).toBe(states[state] ?? 0);
    });

    const withTtl = seeded.filter((k) => !k.noExpiry).length;
    expect(snapshot.expiry.hourly).toHaveLength(EXPIRY_HOURS + 1);
    expect(snapshot.expiry.hourly.reduce((a, b) => a + b, 0) + snapshot.expiry.later).toBe(withTtl);
    expect(snapshot.expiry.later).toBe(0);
    expect(snapshot.expiry.overdue).toBe(byState.expired);
    // SCAN also returned the stats hashes, the Powertools lock helper and the overlapping key twice.
    expect(snapshot.keysExamined).toBeGreaterThan(seeded.length);
  });

  it('keeps only the longest-stuck records, longest first', async () => {
    const snapshot = await new KeyspaceScanner(redisKeyspace(redis), options({ topStuck: 3 })).runPass();
    expect(snapshot.oldestStuck).toHaveLength(3);
    // A plain claim without TTL and a Powertools record without lease are never
    // released by time, so they head the list.
    const [a, b] = snapshot.oldestStuck;
    expect([a, b].map((s) => s!.format).sort()).toEqual(['plain', 'powertools']);
    expect([a, b].map((s) => s!.key)).toContain(`${prefix}idempotency:plain:no-ttl`);
    expect([a, b].map((s) => s!.ageSeconds)).toEqual([null, null]);
    expect(snapshot.oldestStuck[2]).toMatchObject({ key: `${prefix}idempotency:lib:old`, owner: 'owner-old', consumer: 'billing', format: 'idemscope' });
    expect(snapshot.oldestStuck[2]!.ageSeconds).toBeGreaterThanOrEqual(2000);

    const wider = await new KeyspaceScanner(redisKeyspace(redis), options({ topStuck: 10 })).runPass();
    expect(wider.oldestStuck.map((s) => s.key).sort()).toEqual(seeded.filter((k) => k.state === 'stuck').map((k) => k.key).sort());
    expect(wider.oldestStuck[3]).toMatchObject({ key: `${prefix}idempotency:plain:old` });
    expect(wider.oldestStuck[3]!.ageSeconds).toBeGreaterThanOrEqual(1000);
  });

  it('gives the same counts whatever the SCAN step size', async () => {
    const small = await new KeyspaceScanner(redisKeyspace(redis), options({ scanCount: 10 })).runPass();
    const large = await new KeyspaceScanner(redisKeyspace(redis), options({ scanCount: 10_000 })).runPass();
    expect(small.byState).toEqual(large.byState);
    expect(small.keys).toBe(seeded.length);
  });
});

describe('pacing', () => {
  it('leaves Redis at least the step pause between one step\'s reply and the next step', async () => {
    const reader = redisKeyspace(redis);
    const events: { at: number; what: 'scan' | 'replied' }[] = [];
    const timed = {
      scan: (pattern: string, cursor: string, count: number) => {
        events.push({ at: performance.now(), what: 'scan' });
        return reader.scan(pattern, cursor, count);
      },
      peek: async (...args: Parameters<typeof reader.peek>) => {
        const peeks = await reader.peek(...args);
        events.push({ at: performance.now(), what: 'replied' });
        return peeks;
      },
      follow: async (...args: Parameters<typeof reader.follow>) => {
        const replies = await reader.follow(...args);
        events.push({ at: performance.now(), what: 'replied' });
        return replies;
      },
    };
    const stepPauseMs = 25;
    await new KeyspaceScanner(singleNodeKeyspace(timed), options({ scanCount: 20, stepPauseMs })).runPass();
    const gaps = events.flatMap((e, i) => (e.what === 'scan' && events[i - 1]?.what === 'replied' ? [e.at - events[i - 1]!.at] : []));
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    // A timer may fire up to a millisecond early by performance.now(); never more.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(stepPauseMs - 1);
  });
});

describe('background loop', () => {
  it('reports a pass in progress, then replaces the snapshot when a fresh pass completes', async () => {
    const scanner = new KeyspaceScanner(redisKeyspace(redis), options({ stepPauseMs: 1 }));
    expect(scanner.snapshot).toBeNull();
    const first = scanner.fresh(10_000);
    expect(scanner.status()).toMatchObject({ running: true });
    const snapshot = await first;
    expect(scanner.snapshot).toBe(snapshot);
    expect(snapshot.keys).toBe(seeded.length);

    await redis.set(`${prefix}idempotency:late`, 'processing', { EX: 86_400 });
    try {
      const second = await scanner.fresh(10_000);
      expect(second.startedAtMs).toBeGreaterThanOrEqual(snapshot.completedAtMs);
      expect(second.keys).toBe(seeded.length + 1);
      expect(second.byState.processing).toBe(snapshot.byState.processing + 1);
      expect(scanner.status().passes).toBe(2);
    } finally {
      await redis.del(`${prefix}idempotency:late`);
      await scanner.stop();
    }
    expect(scanner.status()).toMatchObject({ running: false, passInProgress: false });
  });

  it('stops a running pass at its next step instead of finishing it', async () => {
    let scans = 0;
    const endless = {
      scan: async () => {
        scans++;
        await new Promise((r) => setTimeout(r, 5));
        return { cursor: '1', keys: [] };
      },
      peek: async () => [],
      follow: async () => [],
    };
    const scanner = new KeyspaceScanner(singleNodeKeyspace(endless), options());
    scanner.start();
    await new Promise((r) => setTimeout(r, 30));
    await scanner.stop();
    const after = scans;
    await new Promise((r) => setTimeout(r, 30));
    expect(scans).toBe(after);
    expect(scanner.status()).toMatchObject({ running: false, passInProgress: false, lastError: 'scanner stopped' });
    expect(scanner.snapshot).toBeNull();
  });

  it('gives up waiting for a fresh pass after the timeout', async () => {
    const never = { scan: () => new Promise<never>(() => undefined), peek: async () => [], follow: async () => [] };
    const scanner = new KeyspaceScanner(singleNodeKeyspace(never), options());
    await expect(scanner.fresh(50)).rejects.toBeInstanceOf(ScanTimeoutError);
    expect(scanner.status()).toMatchObject({ passInProgress: true, passKeysExamined: 0 });
  });

  it('keeps the last snapshot and reports the error when Redis fails mid-pass', async () => {
    let fail = false;
    const source = redisKeyspace(redis);
    const flaky = singleNodeKeyspace({ ...source, scan: (p: string, c: string, n: number) => (fail ? Promise.reject(new Error('connection lost')) : source.scan(p, c, n)) });
    const scanner = new KeyspaceScanner(flaky, options());
    const good = await scanner.runPass();
    fail = true;
    await expect(scanner.runPass()).rejects.toThrow('connection lost');
    expect(scanner.snapshot).toBe(good);
  });
});

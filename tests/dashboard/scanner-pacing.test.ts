import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyPatterns } from '../../lib/records/key-patterns';
import { ScanPacer } from '../../lib/scanner/pacer';
import { KeyspaceScanner } from '../../lib/scanner/scanner';
import type { KeyspaceReader } from '../../lib/stores/redis/keyspace';
import { redisReadStore } from '../../lib/stores/redis/read-store';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../helpers/redis-client';
import { scannerOptions, testConfig } from './helpers/dataset';

const prefix = testPrefix('pacing');
const config = testConfig(prefix, { keyPatterns: parseKeyPatterns([`${prefix}idempotency:*=plain`]) });
const KEYS = 3000;
const BUDGET_PERCENT = 1;
const VIEWER_BUDGET_PERCENT = 5;
let redis: TestRedisClient;

function scanner(pacer: ScanPacer): KeyspaceScanner {
  const store = redisReadStore(redis);
  return new KeyspaceScanner(store.keyspace, scannerOptions(config, { scanCount: 250, pacer, redisCpuSeconds: store.cpuSeconds }));
}

const pacer = () =>
  new ScanPacer({
    budgetPercent: BUDGET_PERCENT,
    viewerBudgetPercent: VIEWER_BUDGET_PERCENT,
    viewerWindowMs: 60_000,
    stepPauseMs: 0,
    maxStepPauseMs: 60_000,
    intervalMs: 3_600_000,
    keepAliveMs: 3_600_000,
  });

beforeAll(async () => {
  redis = await newRedisClient();
  for (let i = 0; i < KEYS; i += 500) {
    const batch = redis.multi();
    for (let j = i; j < i + 500; j++) batch.set(`${prefix}idempotency:order-${j}`, j % 2 ? 'processing' : '{"shipped":true}', { EX: 3600 });
    await batch.exec();
  }
});

afterAll(async () => {
  await deleteByPrefix(redis, prefix);
  redis.destroy();
});

describe('the scanner under a Redis CPU budget (real Redis, INFO cpu)', () => {
  it('with nobody looking, pauses after each step for the CPU Redis spent on it over the budget', async () => {
    const paced = scanner(pacer());
    const snapshot = await paced.runPass();
    expect(snapshot.keys).toBe(KEYS);
    const { lastPassCost: cost, pacing } = paced.status();
    expect(cost!.steps).toBeGreaterThan(1);
    expect(cost!.cpuSeconds).toBeGreaterThan(0);
    // Each pause is at least what the step's Redis CPU owes the budget (rounded up to whole ms).
    expect(cost!.pausedMs + cost!.stepMs).toBeGreaterThanOrEqual((cost!.cpuSeconds * 1000) / (BUDGET_PERCENT / 100) - 1);
    // And the pass really waited them out: its Redis share stayed within the budget.
    const passMs = snapshot.completedAtMs - snapshot.startedAtMs;
    expect(passMs).toBeGreaterThanOrEqual(cost!.pausedMs - cost!.steps);
    expect(cost!.cpuSeconds / ((passMs + cost!.steps) / 1000)).toBeLessThanOrEqual(BUDGET_PERCENT / 100);
    expect(pacing!.passAtBudgetMs).toBeGreaterThanOrEqual(Math.floor((cost!.cpuSeconds * 1000) / (BUDGET_PERCENT / 100)));
  });

  it('counts every step since it was made, across passes, for /api/metrics to graph', async () => {
    const counting = scanner(new ScanPacer({ ...pacer().options, budgetPercent: 50, viewerBudgetPercent: 50 }));
    expect(counting.status().costSinceStart).toEqual({ steps: 0, cpuSeconds: 0 });
    await counting.runPass();
    const first = counting.status().lastPassCost!;
    await counting.runPass();
    const second = counting.status().lastPassCost!;
    const { costSinceStart } = counting.status();
    expect(costSinceStart.steps).toBe(first.steps + second.steps);
    expect(costSinceStart.cpuSeconds).toBeCloseTo(first.cpuSeconds + second.cpuSeconds, 9);
    expect(costSinceStart.cpuSeconds).toBeGreaterThan(first.cpuSeconds);

    // Without a CPU reader the steps are still counted, and their cost is unknown rather than zero.
    const unmeasured = new KeyspaceScanner(redisReadStore(redis).keyspace, scannerOptions(config, { scanCount: 250 }));
    await unmeasured.runPass();
    const { steps, cpuSeconds } = unmeasured.status().costSinceStart;
    expect(steps).toBeGreaterThan(1);
    expect(cpuSeconds).toBeNull();
  });

  it('sizes each paced step\'s SCAN to its Redis CPU target, and asks for the configured COUNT only at full speed', async () => {
    const store = redisReadStore(redis);
    const counts: number[] = [];
    const recording: KeyspaceReader = {
      ...store.keyspace,
      shards: async () =>
        (await store.keyspace.shards()).map((shard) => ({
          ...shard,
          reader: { ...shard.reader, scan: (pattern: string, cursor: string, count: number) => (counts.push(count), shard.reader.scan(pattern, cursor, count)) },
        })),
    };
    // A target far below what any step costs: every measured step shrinks the next COUNT to the floor.
    const fast = { ...pacer().options, budgetPercent: 50, viewerBudgetPercent: 50, stepCpuMs: 0.001 };
    const paced = new KeyspaceScanner(recording, scannerOptions(config, { scanCount: 250, pacer: new ScanPacer(fast), redisCpuSeconds: store.cpuSeconds }));
    expect((await paced.runPass()).keys).toBe(KEYS);
    expect(counts[0]).toBe(100);
    expect(Math.min(...counts)).toBe(10);
    expect(Math.max(...counts)).toBeLessThanOrEqual(200);

    counts.length = 0;
    const asked = new KeyspaceScanner(recording, scannerOptions(config, { scanCount: 250, pacer: new ScanPacer(fast), redisCpuSeconds: store.cpuSeconds }));
    try {
      expect((await asked.fresh(30_000)).keys).toBe(KEYS);
      expect(counts.length).toBeGreaterThan(1);
      expect(new Set(counts)).toEqual(new Set([250]));
    } finally {
      await asked.stop();
    }
  });

  it('with a viewer, runs the same pass under the viewer budget and owes the rest of the budget', async () => {
    const watched = pacer();
    watched.noteViewer();
    const viewed = scanner(watched);
    const snapshot = await viewed.runPass();
    expect(snapshot.keys).toBe(KEYS);
    const { lastPassCost: cost, mode, pacing } = viewed.status();
    expect(mode).toBe('viewer');
    expect(cost!.cpuSeconds).toBeGreaterThan(0);
    // Paced to the viewer budget (each pause rounded up to whole ms)…
    expect(cost!.pausedMs + cost!.stepMs).toBeGreaterThanOrEqual((cost!.cpuSeconds * 1000) / (VIEWER_BUDGET_PERCENT / 100) - 1);
    // …but not to the background budget: what the pass took over it is owed, to be paused off once nobody looks.
    expect(cost!.pausedMs + cost!.stepMs).toBeLessThan((cost!.cpuSeconds * 1000) / (BUDGET_PERCENT / 100));
    expect(watched.owed).toBeGreaterThan(0);
    expect(watched.owed).toBeGreaterThanOrEqual((cost!.cpuSeconds * 1000) / (BUDGET_PERCENT / 100) - cost!.stepMs - cost!.pausedMs - 1);
    expect(pacing!.passAtViewerBudgetMs).toBeGreaterThanOrEqual(Math.floor((cost!.cpuSeconds * 1000) / (VIEWER_BUDGET_PERCENT / 100)));
    expect(pacing!.viewerBudgetPercent).toBe(VIEWER_BUDGET_PERCENT);
  });

  it('with a request for fresh figures waiting, runs at full speed, pausing only the step pause', async () => {
    const asked = pacer();
    asked.noteViewer();
    const fast = scanner(asked);
    try {
      const snapshot = await fast.fresh(30_000);
      expect(snapshot.keys).toBe(KEYS);
      const { lastPassCost: cost } = fast.status();
      expect(cost!.pausedMs).toBe(0);
      expect(cost!.cpuSeconds).toBeGreaterThan(0);
      expect(asked.owed).toBeGreaterThanOrEqual((cost!.cpuSeconds * 1000) / (BUDGET_PERCENT / 100) - cost!.stepMs - 1);
    } finally {
      await fast.stop();
    }
  });

  it('ends a budgeted pause when a viewer comes, and goes on under the viewer budget', async () => {
    // A debt far beyond one pass: every budgeted step would pause the full cap of a minute.
    const indebted = pacer();
    for (let i = 0; i < 100; i++) indebted.pauseAfterStep('full-speed', 1, 0);
    const capped = indebted.owed;
    const paced = scanner(indebted);
    const pass = paced.runPass();
    // The debt falls below its cap only when the first budgeted pause has been decided, and that pause starts in the same turn.
    await expect.poll(() => indebted.owed, { timeout: 10_000 }).toBeLessThan(capped);
    const owedInPause = indebted.owed;
    const woken = performance.now();
    paced.noteViewer();
    const snapshot = await pass;
    expect(snapshot.keys).toBe(KEYS);
    // Well within the minute the first pause would have lasted.
    expect(performance.now() - woken).toBeLessThan(30_000);
    // The pause it did not wait out is owed again.
    expect(indebted.owed).toBeGreaterThan(owedInPause + 20_000);
  });
});

import { describe, expect, it } from 'vitest';
import { Memo } from '../../lib/dashboard/memo';

describe('Memo', () => {
  it('shares one computation between concurrent and recent callers', async () => {
    let now = 1_000;
    let runs = 0;
    const memo = new Memo(() => now);
    const compute = async () => ++runs;
    const [a, b] = await Promise.all([memo.get('k', 5_000, compute), memo.get('k', 5_000, compute)]);
    expect([a.value, b.value, runs]).toEqual([1, 1, 1]);
    now += 4_999;
    expect((await memo.get('k', 5_000, compute)).value).toBe(1);
    now += 1;
    expect(await memo.get('k', 5_000, compute)).toEqual({ value: 2, computedAtMs: 6_000 });
  });

  it('computes anew on refresh, and the callers after it share that result', async () => {
    let runs = 0;
    const memo = new Memo(() => 1_000);
    const compute = async () => ++runs;
    await memo.get('k', 5_000, compute);
    expect((await memo.refresh('k', 5_000, compute)).value).toBe(2);
    expect((await memo.get('k', 5_000, compute)).value).toBe(2);
    expect(runs).toBe(2);
  });

  it('keeps nothing with a ttl of 0, and does not keep failures', async () => {
    let runs = 0;
    const memo = new Memo(() => 0);
    await memo.get('k', 0, async () => ++runs);
    await memo.get('k', 0, async () => ++runs);
    expect(runs).toBe(2);
    await expect(memo.get('f', 5_000, async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await memo.get('f', 5_000, async () => 'up')).value).toBe('up');
  });

  it('forgets stale entries once many keys accumulate', async () => {
    let now = 0;
    const memo = new Memo(() => now);
    for (let i = 0; i < 100; i++) {
      now += 1_000;
      await memo.get(`hour:${i}`, 500, async () => i);
    }
    expect((memo as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(65);
  });
});

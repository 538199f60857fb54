import { describe, expect, it } from 'vitest';
import { IndexPruner, type IndexPages } from './index-pruner';

/** An index of `size` members in memory, of which those in `gone` have lost their key. */
function memoryIndex(size: number, gone: Set<string>) {
  const members = Array.from({ length: size }, (_, i) => `k${i}`);
  const pages: string[][] = [];
  const io: IndexPages = {
    async page(start, count) {
      const page = members.slice(start, start + count);
      pages.push(page);
      return page;
    },
    async prune(page) {
      const out = page.filter((m) => gone.has(m));
      for (const m of out) members.splice(members.indexOf(m), 1);
      return out.length;
    },
  };
  return { members, pages, io };
}

describe('IndexPruner', () => {
  it('steps at most once per interval, however often a claim asks', async () => {
    let now = 1_000;
    const index = memoryIndex(10, new Set());
    const pruner = new IndexPruner(index.io, { intervalMs: 60_000, batch: 4, clock: () => now });
    pruner.maybeStep();
    await Promise.resolve();
    for (let i = 0; i < 50; i++) pruner.maybeStep();
    now += 59_999;
    pruner.maybeStep();
    await new Promise((resolve) => setImmediate(resolve));
    expect(index.pages).toHaveLength(1);
    now += 1;
    pruner.maybeStep();
    await new Promise((resolve) => setImmediate(resolve));
    expect(index.pages).toHaveLength(2);
  });

  it('walks the whole index a page at a time, then starts again from the oldest', async () => {
    const index = memoryIndex(10, new Set());
    const pruner = new IndexPruner(index.io, { intervalMs: 0, batch: 4 });
    for (let i = 0; i < 4; i++) await pruner.step();
    expect(index.pages.map((p) => p[0])).toEqual(['k0', 'k4', 'k8', 'k0']);
  });

  it('takes out members whose key is gone without skipping the ones behind them', async () => {
    const index = memoryIndex(8, new Set(['k1', 'k2', 'k5']));
    const pruner = new IndexPruner(index.io, { intervalMs: 0, batch: 4 });
    expect(await pruner.step()).toBe(2);
    expect(await pruner.step()).toBe(1);
    expect(index.members).toEqual(['k0', 'k3', 'k4', 'k6', 'k7']);
    expect(index.pages[1]).toEqual(['k4', 'k5', 'k6', 'k7']);
  });

  it('never fails the caller when a step fails, and tries again an interval later', async () => {
    let now = 0;
    let calls = 0;
    const pruner = new IndexPruner(
      {
        page: async () => {
          calls++;
          throw new Error('NOSCRIPT');
        },
        prune: async () => 0,
      },
      { intervalMs: 1_000, batch: 4, clock: () => now },
    );
    expect(() => pruner.maybeStep()).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    now = 1_000;
    pruner.maybeStep();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(2);
  });
});

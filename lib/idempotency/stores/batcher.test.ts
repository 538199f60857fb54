import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('sends requests made in one tick as one batch, in order, and answers each', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher(async (xs: number[]) => (batches.push(xs), xs.map((x) => x * 10)), { maxSize: 10, maxConcurrent: 1 }, String);

    const answers = await Promise.all([1, 2, 3].map((x) => batcher.submit(x)));

    expect(batches).toEqual([[1, 2, 3]]);
    expect(answers).toEqual([10, 20, 30]);
  });

  it('queues while all slots are busy and never puts one key twice in a batch', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new Batcher(
      async (xs: string[]) => {
        batches.push(xs);
        if (batches.length === 1) await gate;
        return xs;
      },
      { maxSize: 2, maxConcurrent: 1 },
      (x) => x.split(':')[0]!,
    );

    const first = batcher.submit('a:1');
    await tick();
    const later = ['a:2', 'a:3', 'b:1', 'c:1'].map((x) => batcher.submit(x));
    await tick();
    release();
    await Promise.all([first, ...later]);

    expect(batches).toEqual([['a:1'], ['a:2', 'b:1'], ['a:3', 'c:1']]);
  });

  it('rejects every request of a failed batch with its error', async () => {
    const boom = new Error('connection reset');
    const batcher = new Batcher(async () => Promise.reject(boom), { maxSize: 10, maxConcurrent: 2 }, String);

    const results = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);

    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
  });
});

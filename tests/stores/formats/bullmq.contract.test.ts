import { spawn } from 'node:child_process';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { expect } from 'vitest';
import { TEST_REDIS_DB, type TestRedisClient } from '../../helpers/redis-client';
import { formatContract, type ExpectedRecord } from './format-contract';

const connection = { host: '127.0.0.1', port: 6379, db: TEST_REDIS_DB, maxRetriesPerRequest: null };
const CRASH_WORKER = path.resolve(import.meta.dirname, 'fixtures/bullmq-crash-worker.ts');
const HOUR_MS = 3_600_000;

/**
 * Every state a BullMQ deduplication key can be in, made with bullmq itself:
 * waiting, delayed and prioritized jobs, an active job, a worker SIGKILLed
 * mid-job (stalled), finished jobs of throttle mode, and stray keys. BullMQ
 * 6 deletes a simple-mode key when its job finishes, so the strays are made
 * as an outage leaves them: the key is set back, byte for byte as BullMQ
 * sets it, after the job finished or was removed.
 */
formatContract('bullmq', () => {
  const queues: Queue[] = [];
  const workers: Worker[] = [];
  let releaseBusy: () => void = () => undefined;
  let prefix = '';
  let strayFinished: { key: string; jobId: string } | null = null;

  const queue = (name: string) => {
    const q = new Queue(name, { connection, prefix });
    queues.push(q);
    return q;
  };
  const worker = (name: string, processor: (job: Job) => Promise<unknown>) => {
    const w = new Worker(name, processor, { connection, prefix, stalledInterval: HOUR_MS });
    workers.push(w);
    return w;
  };
  const finished = (w: Worker, count: number) =>
    new Promise<void>((resolve) => {
      let seen = 0;
      const done = () => ++seen === count && resolve();
      w.on('completed', done);
      w.on('failed', done);
    });

  return {
    format: 'bullmq',
    signed: false,
    async write(redis, testPrefix) {
      prefix = `${testPrefix}bull`;
      const dedupKey = (q: string, id: string) => `${prefix}:${q}:de:${id}`;
      const records: ExpectedRecord[] = [];
      const expectKey = (q: string, id: string, state: ExpectedRecord['state'], nativeState: string, stuckReason: ExpectedRecord['stuckReason'], releasable = false) =>
        records.push({ key: dedupKey(q, id), state, format: 'bullmq', nativeState, stuckReason, releasable });

      // Nobody works on `idle`: its jobs wait.
      const idle = queue('idle');
      await idle.add('w', {}, { deduplication: { id: 'waiting' } });
      await idle.add('d', {}, { deduplication: { id: 'delayed' }, delay: HOUR_MS });
      await idle.add('p', {}, { deduplication: { id: 'prioritized' }, priority: 5 });
      expectKey('idle', 'waiting', 'processing', 'waiting', null);
      expectKey('idle', 'delayed', 'processing', 'delayed', null);
      expectKey('idle', 'prioritized', 'processing', 'prioritized', null);

      // A live worker holds `busy`'s job, renewing its lock.
      const gate = new Promise<void>((resolve) => (releaseBusy = resolve));
      const busyWorker = worker('busy', () => gate);
      const active = new Promise<void>((resolve) => busyWorker.on('active', () => resolve()));
      await queue('busy').add('a', {}, { deduplication: { id: 'active' } });
      await active;
      expectKey('busy', 'active', 'processing', 'active', null);

      // A worker killed mid-job: the job stays active and its lock runs out.
      const crashed = await queue('crash').add('c', {}, { deduplication: { id: 'stalled' } });
      await crashWorkerMidJob({ db: TEST_REDIS_DB, prefix, queue: 'crash', lockDuration: 500 });
      expect(await redis.hExists(`${prefix}:crash:${crashed.id}`, 'processedOn')).toBe(1);
      await waitFor(async () => (await redis.exists(`${prefix}:crash:${crashed.id}:lock`)) === 0, "the killed worker's lock to expire");
      expectKey('crash', 'stalled', 'stuck', 'active', 'stalled');

      // Throttle mode: the keys keep their TTL after their jobs finished.
      const throttle = queue('throttle');
      const throttleWorker = worker('throttle', async (job) => {
        if (job.data.fail) throw new Error('declined');
        return 'ok';
      });
      const throttled = finished(throttleWorker, 2);
      await throttle.add('t', {}, { deduplication: { id: 'done', ttl: HOUR_MS } });
      await throttle.add('t', { fail: true }, { deduplication: { id: 'declined', ttl: HOUR_MS } });
      await throttled;
      expectKey('throttle', 'done', 'completed', 'completed', null);
      expectKey('throttle', 'declined', 'failed', 'failed', null);

      // Strays: simple-mode keys left behind by a finished job and by one that is gone.
      const stray = queue('stray');
      const strayWorker = worker('stray', async () => 'ok');
      const strayDone = finished(strayWorker, 2);
      const kept = await stray.add('s', {}, { deduplication: { id: 'lost' } });
      const removed = await stray.add('s', {}, { deduplication: { id: 'evicted' }, removeOnComplete: true });
      await strayDone;
      expect(await redis.exists([dedupKey('stray', 'lost'), dedupKey('stray', 'evicted')])).toBe(0);
      await redis.set(dedupKey('stray', 'lost'), kept.id!);
      await redis.set(dedupKey('stray', 'evicted'), removed.id!);
      strayFinished = { key: dedupKey('stray', 'lost'), jobId: kept.id! };
      expectKey('stray', 'lost', 'stuck', 'completed', 'stray-finished', true);
      expectKey('stray', 'evicted', 'stuck', 'gone', 'stray-gone', true);

      // BullMQ itself drops an add while the stray key stays.
      const dropped = await stray.add('s', {}, { deduplication: { id: 'lost' } });
      expect(dropped.id).toBe(kept.id);
      return { pattern: `${prefix}:*:de:*`, records };
    },
    async afterRelease({ released, skipped }, redis: TestRedisClient) {
      // The stray key that was changed after the preview (set to another job id) is skipped as changed.
      expect(skipped).toEqual([{ key: expect.stringContaining(':stray:de:evicted'), reason: 'changed' }]);
      const lost = strayFinished!;
      expect(released).toContain(lost.key);
      const stray = queues.find((q) => q.name === 'stray')!;
      const fresh = await stray.add('s', {}, { deduplication: { id: 'lost' } });
      expect(fresh.id).not.toBe(lost.jobId);
      expect(await redis.get(lost.key)).toBe(fresh.id);
    },
    async close() {
      releaseBusy();
      await Promise.all(workers.map((w) => w.close(true)));
      await Promise.all(queues.map((q) => q.close()));
    },
  };
});

/** Starts a worker process, waits until it is inside its job, and SIGKILLs it. */
async function crashWorkerMidJob(settings: Record<string, unknown>): Promise<void> {
  // Node with tsx's loader rather than the tsx CLI, whose own child would outlive a SIGKILL.
  const child = spawn(process.execPath, ['--import', 'tsx', CRASH_WORKER, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('in-job')) resolve();
    });
    void exited.then((how) => reject(new Error(`crash worker exited (${how}) before its job ran: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

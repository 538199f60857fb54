import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PurgeAlreadyRunningError } from '../../lib/errors';
import { EXACT_COUNT_CAP, LOCK_WAIT_MS, countPurgeable, purgeBatch } from '../../lib/stores/postgres/purge';
import { cancelPurgeJob, getPurgeJob, purgeRunSettled, resumePurgeJob, startPurgeJob } from '../../lib/stores/postgres/purge-jobs';
import { createPrismaClient } from '../../lib/db/prisma';
import { tableRef } from '../../lib/stores/postgres/tables';

const WATCHED = tableRef({ schema: 'public', table: 'processed_messages' });
import { purgeableCondition } from '../../lib/stores/postgres/rules';
import { PostgresStore } from '../../lib/idempotency';
import { actionFixture, type ActionFixture } from './setup';

let f: ActionFixture;
let pool: pg.Pool;

beforeAll(async () => {
  f = await actionFixture('purge');
  pool = new pg.Pool({ connectionString: f.database.url, max: 8 });
});
// Jobs driven by hand (jobRow) end here, or they would count as a purge already running.
afterEach(async () => {
  await pool.query(`UPDATE idemscope.purge_jobs SET status = 'completed', finished_at = now() WHERE runner LIKE 'test:%' AND status = 'running'`);
});
afterAll(async () => {
  await pool.end();
  await f.close();
});

const RETENTION = 72;
const TARGET = { table: 'public.processed_messages', condition: purgeableCondition(RETENTION) };

/**
 * Seeds `expired` rows split between the two kinds of expiry, and a fixed
 * set of rows that must survive any purge, each tagged by consumer.
 */
async function seed(expired: number): Promise<void> {
  await pool.query(`TRUNCATE processed_messages`);
  await pool.query(
    `INSERT INTO processed_messages (message_id, consumer, status, processed_at, expires_at)
     SELECT gen_random_uuid(), 'expired', 'completed', now() - interval '1 day', now() - interval '1 minute' FROM generate_series(1, $1)`,
    [Math.ceil(expired / 2)],
  );
  await pool.query(
    `INSERT INTO processed_messages (message_id, consumer, status, processed_at, expires_at)
     SELECT gen_random_uuid(), 'expired', CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'completed' END::message_status,
            now() - interval '73 hours', NULL FROM generate_series(1, $1) i`,
    [Math.floor(expired / 2)],
  );
  await pool.query(`
    INSERT INTO processed_messages (message_id, consumer, status, processed_at, expires_at, claimed_at, lease_expires_at, owner_token) VALUES
      (gen_random_uuid(), 'keep:own-expiry-in-future', 'completed', now() - interval '100 hours', now() + interval '1 hour', now(), NULL, NULL),
      (gen_random_uuid(), 'keep:recent', 'completed', now() - interval '71 hours', NULL, now(), NULL, NULL),
      (gen_random_uuid(), 'keep:in-flight-old-expiry', 'processing', now() - interval '100 hours', now() - interval '1 hour', now(), now() + interval '1 minute', 'o1'),
      (gen_random_uuid(), 'keep:in-flight-no-expiry', 'processing', now() - interval '100 hours', NULL, now() - interval '100 hours', now() - interval '99 hours', 'o2')`);
}

async function counts(): Promise<{ expired: number; kept: number }> {
  const { rows } = await pool.query(`SELECT count(*) FILTER (WHERE consumer = 'expired')::int AS expired, count(*) FILTER (WHERE consumer LIKE 'keep:%')::int AS kept FROM processed_messages`);
  return rows[0];
}

const start = (db = f.db, batchSize = 5000, estimatedTotal = 0) =>
  startPurgeJob(db, { actor: 'operator#test', batchSize, target: TARGET, estimatedTotal, estimated: false });

describe('purge of processed_messages', () => {
  it('counts exactly, deletes every expired row and never an unexpired one', async () => {
    await seed(12_345);
    expect(await countPurgeable(f.db, WATCHED, RETENTION, Date.now())).toEqual({ count: 12_345, estimated: false });
    const job = await start(f.db, 1000);
    await purgeRunSettled(job.jobId);
    const done = await getPurgeJob(f.db, job.jobId);
    expect(done).toMatchObject({ status: 'completed', purged: 12_345, error: null });
    expect(done.batches).toBeGreaterThanOrEqual(13);
    expect(await counts()).toEqual({ expired: 0, kept: 4 });
  });

  it('never deletes more than the batch size in one batch', async () => {
    await seed(2_500);
    const job = await jobRow('test:cap');
    const sizes: number[] = [];
    for (let done = false; !done; ) {
      const batch = await purgeBatch(f.db, job, 300, TARGET);
      expect(batch.owned).toBe(true);
      sizes.push(batch.purged);
      done = batch.done;
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(300);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2_500);
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(2_500 / 300));
    expect(await counts()).toEqual({ expired: 0, kept: 4 });
  });

  it('does not wait on a row a consumer holds: it skips that row and deletes the rest', async () => {
    await seed(1_000);
    const consumer = await pool.connect();
    try {
      await consumer.query('BEGIN');
      const { rows } = await consumer.query(`SELECT message_id FROM processed_messages WHERE consumer = 'expired' LIMIT 1 FOR UPDATE`);
      const held = rows[0].message_id as string;

      const job = await jobRow('test:locked');
      const started = performance.now();
      const batch = await Promise.race([
        purgeBatch(f.db, job, 10_000, TARGET),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the purge waited on the held row')), 5_000)),
      ]);
      const took = performance.now() - started;
      expect(batch).toMatchObject({ purged: 999, skippedLocked: true, done: true });
      expect(took).toBeGreaterThanOrEqual(LOCK_WAIT_MS);
      expect((await pool.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [held])).rowCount).toBe(1);
      await consumer.query('ROLLBACK');

      const next = await purgeBatch(f.db, await jobRow('test:after'), 10_000, TARGET);
      expect(next).toMatchObject({ purged: 1, skippedLocked: false });
      expect(await counts()).toEqual({ expired: 0, kept: 4 });
    } finally {
      await consumer.query('ROLLBACK').catch(() => undefined);
      consumer.release();
    }
  });

  it('does nothing for a job that is not this runner\'s', async () => {
    await seed(100);
    const job = await jobRow('test:owner');
    expect(await purgeBatch(f.db, { id: job.id, runner: 'someone-else' }, 1000, TARGET)).toMatchObject({ purged: 0, owned: false });
    expect(await counts()).toEqual({ expired: 100, kept: 4 });
  });

  it('labels the count an estimate past the exact-count cap', async () => {
    await seed(2 * EXACT_COUNT_CAP + 10);
    await pool.query('ANALYZE processed_messages');
    const estimate = await countPurgeable(f.db, WATCHED, RETENTION, Date.now());
    expect(estimate.estimated).toBe(true);
    expect(estimate.count).toBeGreaterThan(EXACT_COUNT_CAP);
    expect(estimate.count).toBeLessThan(3 * EXACT_COUNT_CAP);
  });

  it('lets concurrent claims through the library go on while it runs', { timeout: 120_000 }, async () => {
    await seed(200_000);
    const store = new PostgresStore(pool);
    const latencies: number[] = [];
    let purging = true;
    const claims = (async () => {
      while (purging) {
        const started = performance.now();
        const { claimed } = await store.claim({ key: randomUUID(), consumer: 'live', owner: randomUUID(), leaseMs: 30_000 });
        await store.complete(claimed!, { ok: true }, 3600);
        latencies.push(performance.now() - started);
      }
    })();
    const purgeStarted = performance.now();
    const job = await start(f.db, 5000);
    await purgeRunSettled(job.jobId);
    const purgeMs = performance.now() - purgeStarted;
    purging = false;
    await claims;

    expect((await getPurgeJob(f.db, job.jobId)).purged).toBe(200_000);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    console.info(`claims during a ${purgeMs.toFixed(0)} ms purge: ${latencies.length}, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
    // Relative to the purge itself, so that a loaded machine slows both alike: a claim that
    // waited for the purge would take about as long as the purge, and few would complete.
    expect(latencies.length).toBeGreaterThan(3);
    expect(latencies.at(-1)!).toBeLessThan(purgeMs / 2);
    const live = await pool.query(`SELECT count(*)::int AS n FROM processed_messages WHERE consumer = 'live' AND status = 'completed'`);
    expect(live.rows[0].n).toBe(latencies.length);
  });

  it('stops on cancel, leaves the table consistent, and resumes where it stands', { timeout: 60_000 }, async () => {
    await seed(60_000);
    const job = await start(f.db, 100);
    await waitFor(async () => (await getPurgeJob(f.db, job.jobId)).batches >= 2);
    await expect(start(f.db)).rejects.toBeInstanceOf(PurgeAlreadyRunningError);
    await cancelPurgeJob(f.db, job.jobId);
    await purgeRunSettled(job.jobId);
    const cancelled = await getPurgeJob(f.db, job.jobId);
    expect(cancelled.status).toBe('cancelled');
    const mid = await counts();
    expect(mid.kept).toBe(4);
    expect(mid.expired).toBeGreaterThan(0);
    expect(cancelled.purged).toBe(60_000 - mid.expired);
    expect(cancelled.scanned).toBeGreaterThan(0);
    expect(cancelled.scanned).toBeLessThan(1);

    await resumePurgeJob(f.db, job.jobId, () => TARGET);
    await purgeRunSettled(job.jobId);
    expect(await getPurgeJob(f.db, job.jobId)).toMatchObject({ status: 'completed', purged: 60_000, scanned: 1 });
    expect(await counts()).toEqual({ expired: 0, kept: 4 });
  });

  it('rides out its connection being killed mid-purge: it waits, retries and finishes by itself', { timeout: 60_000 }, async () => {
    await seed(60_000);
    const url = new URL(f.database.url);
    url.searchParams.set('application_name', 'purge-victim');
    const victim = createPrismaClient(url.toString(), 1);
    try {
      const job = await start(victim, 100);
      await waitFor(async () => (await getPurgeJob(f.db, job.jobId)).batches >= 2);
      // Kill it in the middle of a batch (a kill between statements only costs the pool a connection).
      let seenWaiting: { status: string; error: string | null } | null = null;
      await waitFor(async () => {
        await pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE application_name = 'purge-victim' AND state = 'active' AND query LIKE '%purge_window%'`,
        );
        const now = await getPurgeJob(f.db, job.jobId);
        if (now.status === 'waiting') seenWaiting = now;
        return now.status !== 'running';
      });
      if (seenWaiting) expect(seenWaiting).toMatchObject({ status: 'waiting', error: 'waiting: the server closed the connection' });
      await purgeRunSettled(job.jobId);
      const done = await getPurgeJob(f.db, job.jobId);
      // Every batch committed whole, with its count, or not at all: nothing lost or counted twice.
      expect(done).toMatchObject({ status: 'completed', purged: 60_000, error: null });
      expect(await counts()).toEqual({ expired: 0, kept: 4 });
    } finally {
      await victim.$disconnect();
    }
  });

  it('reports a job whose process died as interrupted, and lets it be resumed', async () => {
    await seed(3000);
    const id = randomUUID();
    await pool.query(
      `INSERT INTO idemscope.purge_jobs (id, status, actor, batch_size, runner, heartbeat_at) VALUES ($1, 'running', 'operator#x', 1000, 'gone:1:dead', now() - interval '5 minutes')`,
      [id],
    );
    expect((await getPurgeJob(f.db, id)).status).toBe('interrupted');
    await resumePurgeJob(f.db, id, () => TARGET);
    await purgeRunSettled(id);
    expect(await getPurgeJob(f.db, id)).toMatchObject({ status: 'completed', purged: 3000 });
  });
});

/** A running job row owned by `runner`, for driving batches by hand. */
async function jobRow(runner: string): Promise<{ id: string; runner: string }> {
  const id = randomUUID();
  await pool.query(`INSERT INTO idemscope.purge_jobs (id, status, actor, batch_size, runner, heartbeat_at) VALUES ($1, 'running', 'operator#test', 1000, $2, now())`, [id, runner]);
  return { id, runner };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

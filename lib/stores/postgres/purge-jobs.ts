import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Prisma, type PrismaClient } from '../../db/generated/client';
import { JobNotFoundError, JobStateError, PurgeAlreadyRunningError } from '../../errors';
import { ownName } from './own';
import { purgeBatch, type PurgeTarget } from './purge';
import type { PurgeJobStatus, PurgeJobView } from '../../contract/actions';

/** A running job whose heartbeat is older than this was interrupted (its process died). */
export const STALE_AFTER_SECONDS = 60;
/** Any 64-bit constant unique to this purpose; serialises "is a purge already running?" checks. */
const START_LOCK = 7_305_220_411;

/** This process, as recorded in purge_jobs.runner; only the runner advances its job. */
export const RUNNER_ID = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

interface JobRow {
  id: string;
  status: Exclude<PurgeJobStatus, 'interrupted'>;
  stale: boolean;
  actor: string;
  purged: bigint;
  batches: number;
  batch_size: number;
  estimated_total: bigint | null;
  estimated: boolean;
  cancel_requested: boolean;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  error: string | null;
  target_table: string;
  scanned: number;
}

const JOBS = ownName('purge_jobs');
/** The same name, spliced into Prisma's tagged templates. */
const JOBS_SQL = Prisma.raw(JOBS);

// scanned: the job's page over the table's pages now; a file-size lookup, no read of the table.
const SELECT_JOB = `SELECT id::text, status, (status = 'running' AND heartbeat_at < now() - interval '${STALE_AFTER_SECONDS} seconds') AS stale,
  actor, purged, batches, batch_size, estimated_total, estimated, cancel_requested, created_at, updated_at, finished_at, error, target_table,
  LEAST(1, (scan_from::tid::text::point)[0]
    / GREATEST(1, pg_relation_size(to_regclass(target_table)) / current_setting('block_size')::float8)) AS scanned
  FROM ${JOBS}`;

export function toJobView(row: JobRow): PurgeJobView {
  return {
    jobId: row.id,
    store: 'postgres',
    table: row.target_table,
    status: row.stale ? 'interrupted' : row.status,
    actor: row.actor,
    purged: Number(row.purged),
    batches: row.batches,
    estimatedTotal: row.estimated_total === null ? null : Number(row.estimated_total),
    estimated: row.estimated,
    scanned: row.status === 'completed' ? 1 : row.scanned,
    cancelRequested: row.cancel_requested,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    error: row.error,
  };
}

export interface JobHooks {
  /** Called once when this process's run of the job ends (completed, cancelled or failed). */
  onFinish?: (job: PurgeJobView) => Promise<void> | void;
}

export interface StartJob {
  actor: string;
  actionId?: string;
  reason?: string;
  batchSize: number;
  target: PurgeTarget;
  estimatedTotal: number;
  estimated: boolean;
}

// Runs in flight in this process; on globalThis so that dev reloads still see them.
const holder = globalThis as unknown as { idemscopePurgeRuns?: Map<string, Promise<void>> };
const runs = (holder.idemscopePurgeRuns ??= new Map());

/** Resolves when this process's run of the job ends; tests and the benchmark wait on it. */
export function purgeRunSettled(jobId: string): Promise<void> {
  return runs.get(jobId) ?? Promise.resolve();
}

export async function getPurgeJob(db: PrismaClient, jobId: string): Promise<PurgeJobView> {
  const [row] = await db.$queryRawUnsafe<JobRow[]>(`${SELECT_JOB} WHERE id = $1::uuid`, jobId);
  if (!row) throw new JobNotFoundError(jobId);
  return toJobView(row);
}

export async function recentPurgeJobs(db: PrismaClient, limit: number): Promise<PurgeJobView[]> {
  const rows = await db.$queryRawUnsafe<JobRow[]>(`${SELECT_JOB} WHERE store = 'postgres' ORDER BY created_at DESC LIMIT $1`, limit);
  return rows.map(toJobView);
}

/** Fails when another purge is live; must run inside the transaction that then takes the job. */
async function assertNoneRunning(tx: PrismaClient, exceptId?: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${START_LOCK}::bigint)`;
  const [active] = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM ${JOBS_SQL}
    WHERE store = 'postgres' AND status = 'running' AND heartbeat_at >= now() - make_interval(secs => ${STALE_AFTER_SECONDS})
      AND id <> ${exceptId ?? '00000000-0000-0000-0000-000000000000'}::uuid
    LIMIT 1`;
  if (active) throw new PurgeAlreadyRunningError(active.id);
}

/** Records a new job and starts running it in this process; returns at once. */
export async function startPurgeJob(db: PrismaClient, start: StartJob, hooks: JobHooks = {}): Promise<PurgeJobView> {
  const id = randomUUID();
  await db.$transaction(async (tx) => {
    await assertNoneRunning(tx as unknown as PrismaClient);
    await tx.$executeRaw`
      INSERT INTO ${JOBS_SQL} (id, store, status, actor, action_id, reason, batch_size, estimated_total, estimated, runner, heartbeat_at, target_table)
      VALUES (${id}::uuid, 'postgres', 'running', ${start.actor}, ${start.actionId ?? null}::uuid, ${start.reason ?? null},
              ${start.batchSize}, ${start.estimatedTotal}, ${start.estimated}, ${RUNNER_ID}, now(), ${start.target.table})`;
  });
  launch(db, id, start.target, hooks);
  return getPurgeJob(db, id);
}

/** Takes over a cancelled, failed or interrupted job; it carries on from the position its last batch committed. */
export async function resumePurgeJob(db: PrismaClient, jobId: string, targetOf: (table: string) => PurgeTarget | Promise<PurgeTarget>, hooks: JobHooks = {}): Promise<PurgeJobView> {
  const current = await getPurgeJob(db, jobId);
  if (current.status === 'running' || current.status === 'completed') throw new JobStateError(jobId, current.status, 'resumed');
  const target = await targetOf(current.table);
  const taken = await db.$transaction(async (tx) => {
    await assertNoneRunning(tx as unknown as PrismaClient, jobId);
    return tx.$executeRaw`
      UPDATE ${JOBS_SQL} SET status = 'running', runner = ${RUNNER_ID}, heartbeat_at = now(), updated_at = now(),
        cancel_requested = false, finished_at = NULL, error = NULL
      WHERE id = ${jobId}::uuid
        AND (status IN ('cancelled', 'failed')
             OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})))`;
  });
  if (taken !== 1) throw new JobStateError(jobId, (await getPurgeJob(db, jobId)).status, 'resumed');
  launch(db, jobId, target, hooks);
  return getPurgeJob(db, jobId);
}

/**
 * Asks the runner to stop after its current batch. An interrupted job has no
 * runner to ask, so it is marked cancelled at once.
 */
export async function cancelPurgeJob(db: PrismaClient, jobId: string): Promise<PurgeJobView> {
  const current = await getPurgeJob(db, jobId);
  if (current.status === 'interrupted') {
    await db.$executeRaw`
      UPDATE ${JOBS_SQL} SET status = 'cancelled', cancel_requested = true, finished_at = now(), updated_at = now()
      WHERE id = ${jobId}::uuid AND status = 'running' AND heartbeat_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})`;
  } else if (current.status === 'running') {
    await db.$executeRaw`UPDATE ${JOBS_SQL} SET cancel_requested = true, updated_at = now() WHERE id = ${jobId}::uuid AND status = 'running'`;
  } else {
    throw new JobStateError(jobId, current.status, 'cancelled');
  }
  return getPurgeJob(db, jobId);
}

function launch(db: PrismaClient, jobId: string, target: PurgeTarget, hooks: JobHooks): void {
  const run = runJob(db, jobId, target, hooks).finally(() => runs.delete(jobId));
  runs.set(jobId, run);
}

/**
 * Batch after batch until the end of the table, a cancel, or a failed
 * statement. Each batch commits on its own with the job's new position, so
 * stopping anywhere (even a killed connection or process) leaves the table
 * consistent, and a resumed job carries on from where its last batch ended.
 */
async function runJob(db: PrismaClient, jobId: string, target: PurgeTarget, hooks: JobHooks): Promise<void> {
  let ended: PurgeJobView | null = null;
  try {
    const [{ batch_size: batchSize } = { batch_size: 0 }] = await db.$queryRaw<{ batch_size: number }[]>`
      SELECT batch_size FROM ${JOBS_SQL} WHERE id = ${jobId}::uuid`;
    let cancel = false;
    for (;;) {
      if (cancel) {
        ended = await finish(db, jobId, 'cancelled', null);
        return;
      }
      const batch = await purgeBatch(db, { id: jobId, runner: RUNNER_ID }, batchSize, target);
      // Another process resumed it after our heartbeat went stale, or it was cancelled as interrupted.
      if (!batch.owned) return;
      cancel = batch.cancelRequested;
      if (batch.done) {
        ended = await finish(db, jobId, 'completed', null);
        return;
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n').filter(Boolean).slice(-1)[0] ?? error.name : String(error);
    ended = await finish(db, jobId, 'failed', message.slice(0, 500)).catch(() => null);
  } finally {
    if (ended) await Promise.resolve(hooks.onFinish?.(ended)).catch(() => undefined);
  }
}

async function finish(db: PrismaClient, jobId: string, status: 'completed' | 'cancelled' | 'failed', error: string | null): Promise<PurgeJobView | null> {
  const done = await db.$executeRaw`
    UPDATE ${JOBS_SQL} SET status = ${status}, error = ${error}, finished_at = now(), updated_at = now(), heartbeat_at = now()
    WHERE id = ${jobId}::uuid AND runner = ${RUNNER_ID} AND status = 'running'`;
  return done === 1 ? getPurgeJob(db, jobId) : null;
}

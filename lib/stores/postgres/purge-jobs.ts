import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Prisma, type PrismaClient } from '../../db/generated/client';
import { isLockTimeout, JobNotFoundError, JobStateError, PurgeAlreadyRunningError, StoreUnavailableError } from '../../errors';
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
const selectJob = (pages: string) => `SELECT id::text, status, (status = 'running' AND heartbeat_at < now() - interval '${STALE_AFTER_SECONDS} seconds') AS stale,
  actor, purged, batches, batch_size, estimated_total, estimated, cancel_requested, created_at, updated_at, finished_at, error, target_table,
  LEAST(1, (scan_from::tid::text::point)[0] / GREATEST(1, ${pages})) AS scanned
  FROM ${JOBS}`;
// Of a partitioned target, the page is in the partition being walked (the first listed).
const SELECT_JOB = selectJob(`pg_relation_size(to_regclass(COALESCE(partitions[1], target_table))) / current_setting('block_size')::float8`);
// The file size waits for a lock of the purged table; while a migration holds one, the status
// answers from Idemscope's own table with the planner's page count (kept by VACUUM and ANALYZE).
const SELECT_JOB_UNLOCKED = selectJob(`(SELECT relpages FROM pg_class WHERE oid = to_regclass(COALESCE(partitions[1], target_table)))`);

/** Runs a job query, falling back to the lock-free page count when the purged table is locked. */
async function jobRows(db: PrismaClient, where: string, ...values: unknown[]): Promise<JobRow[]> {
  try {
    return await db.$queryRawUnsafe<JobRow[]>(`${SELECT_JOB} ${where}`, ...values);
  } catch (error) {
    if (!isLockTimeout(error instanceof StoreUnavailableError ? error.cause : error)) throw error;
    return db.$queryRawUnsafe<JobRow[]>(`${SELECT_JOB_UNLOCKED} ${where}`, ...values);
  }
}

export function toJobView(row: JobRow): PurgeJobView {
  return {
    jobId: row.id,
    store: 'postgres',
    table: row.target_table,
    status: row.stale ? 'interrupted' : row.status === 'running' && row.error !== null ? 'waiting' : row.status,
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
  /** Of a partitioned target: the partitions to purge in batches, in order (those past retention were dropped before). */
  partitions?: string[];
}

// Runs in flight in this process; on globalThis so that dev reloads still see them.
const holder = globalThis as unknown as { idemscopePurgeRuns?: Map<string, Promise<void>> };
const runs = (holder.idemscopePurgeRuns ??= new Map());

/** Resolves when this process's run of the job ends; tests and the benchmark wait on it. */
export function purgeRunSettled(jobId: string): Promise<void> {
  return runs.get(jobId) ?? Promise.resolve();
}

export async function getPurgeJob(db: PrismaClient, jobId: string): Promise<PurgeJobView> {
  const [row] = await jobRows(db, 'WHERE id = $1::uuid', jobId);
  if (!row) throw new JobNotFoundError(jobId);
  return toJobView(row);
}

export async function recentPurgeJobs(db: PrismaClient, limit: number): Promise<PurgeJobView[]> {
  const rows = await jobRows(db, `WHERE store = 'postgres' ORDER BY created_at DESC LIMIT $1`, limit);
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

/**
 * Records a new job and starts running it in this process; returns at once,
 * with the job as it was before its first batch (read before the launch, or the
 * runner's progress would race into the answer and its audit).
 */
export async function startPurgeJob(db: PrismaClient, start: StartJob, hooks: JobHooks = {}): Promise<PurgeJobView> {
  const id = randomUUID();
  await db.$transaction(async (tx) => {
    await assertNoneRunning(tx as unknown as PrismaClient);
    await tx.$executeRaw`
      INSERT INTO ${JOBS_SQL} (id, store, status, actor, action_id, reason, batch_size, estimated_total, estimated, runner, heartbeat_at, target_table, partitions)
      VALUES (${id}::uuid, 'postgres', 'running', ${start.actor}, ${start.actionId ?? null}::uuid, ${start.reason ?? null},
              ${start.batchSize}, ${start.estimatedTotal}, ${start.estimated}, ${RUNNER_ID}, now(), ${start.target.table}, ${start.partitions ?? []}::text[])`;
  });
  const started = await getPurgeJob(db, id);
  launch(db, id, start.target, hooks);
  return started;
}

/** Takes over a cancelled, failed or interrupted job; it carries on from the position its last batch committed. */
export async function resumePurgeJob(db: PrismaClient, jobId: string, targetOf: (table: string) => PurgeTarget | Promise<PurgeTarget>, hooks: JobHooks = {}): Promise<PurgeJobView> {
  const current = await getPurgeJob(db, jobId);
  if (current.status === 'running' || current.status === 'waiting' || current.status === 'completed') {
    throw new JobStateError(jobId, current.status, 'resumed');
  }
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
  const resumed = await getPurgeJob(db, jobId);
  launch(db, jobId, target, hooks);
  return resumed;
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
  } else if (current.status === 'running' || current.status === 'waiting') {
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
    const [{ batch_size: batchSize, partitions } = { batch_size: 0, partitions: [] }] = await db.$queryRaw<{ batch_size: number; partitions: string[] }[]>`
      SELECT batch_size, partitions FROM ${JOBS_SQL} WHERE id = ${jobId}::uuid`;
    if (target.partitioned && partitions.length === 0) {
      ended = await finish(db, jobId, 'completed', null);
      return;
    }
    let cancel = false;
    let waits = 0;
    for (;;) {
      if (cancel) {
        ended = await finish(db, jobId, 'cancelled', null);
        return;
      }
      let batch: Awaited<ReturnType<typeof purgeBatch>>;
      try {
        batch = await purgeBatch(db, { id: jobId, runner: RUNNER_ID }, batchSize, target.partitioned ? { ...target, table: partitions[0]! } : target);
      } catch (error) {
        const reason = pauseReason(error);
        if (reason === null) throw error;
        const state = await markWaiting(db, jobId, reason).catch(() => 'unknown' as const);
        if (state === 'lost') return;
        cancel = state === 'cancel';
        if (!cancel) await sleep(retryDelayMs(waits++));
        continue;
      }
      if (waits > 0) {
        waits = 0;
        await db.$executeRaw`UPDATE ${JOBS_SQL} SET error = NULL, updated_at = now() WHERE id = ${jobId}::uuid AND runner = ${RUNNER_ID} AND status = 'running'`;
      }
      // Another process resumed it after our heartbeat went stale, or it was cancelled as interrupted.
      if (!batch.owned) return;
      cancel = batch.cancelRequested;
      if (batch.done && target.partitioned && partitions.length > 1) {
        if (!(await nextPartition(db, jobId))) return;
        partitions.shift();
        continue;
      }
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

/** Moves a partitioned job on to its next partition, from its first page; false when the job is no longer this runner's. */
async function nextPartition(db: PrismaClient, jobId: string): Promise<boolean> {
  const moved = await db.$executeRaw`
    UPDATE ${JOBS_SQL} SET partitions = partitions[2:], scan_from = '(0,0)', updated_at = now(), heartbeat_at = now()
    WHERE id = ${jobId}::uuid AND runner = ${RUNNER_ID} AND status = 'running'`;
  return moved === 1;
}

/** First retry after 0.5 s, doubling up to 8 s: a lock held by a migration is usually gone within seconds. */
export function retryDelayMs(attempt: number): number {
  return Math.min(8000, 500 * 2 ** attempt);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a batch must wait, in plain words, when the failure is the store's (it will pass); null for any other failure. */
function pauseReason(error: unknown): string | null {
  if (!(error instanceof StoreUnavailableError)) return isLockTimeout(error) ? 'table locked' : null;
  return isLockTimeout(error.cause) ? 'table locked' : error.reason;
}

/**
 * Records why the job waits (in `error`, while its status stays running, so
 * it reads as `waiting`) and keeps its heartbeat: a waiting job is not an
 * interrupted one. Says whether the job is still this runner's and whether a
 * cancel was asked for meanwhile.
 */
async function markWaiting(db: PrismaClient, jobId: string, reason: string): Promise<'wait' | 'cancel' | 'lost'> {
  const rows = await db.$queryRaw<{ cancel_requested: boolean }[]>`
    UPDATE ${JOBS_SQL} SET error = ${`waiting: ${reason}`}, heartbeat_at = now(), updated_at = now()
    WHERE id = ${jobId}::uuid AND runner = ${RUNNER_ID} AND status = 'running'
    RETURNING cancel_requested`;
  if (rows.length === 0) return 'lost';
  return rows[0]!.cancel_requested ? 'cancel' : 'wait';
}

async function finish(db: PrismaClient, jobId: string, status: 'completed' | 'cancelled' | 'failed', error: string | null): Promise<PurgeJobView | null> {
  const done = await db.$executeRaw`
    UPDATE ${JOBS_SQL} SET status = ${status}, error = ${error}, finished_at = now(), updated_at = now(), heartbeat_at = now()
    WHERE id = ${jobId}::uuid AND runner = ${RUNNER_ID} AND status = 'running'`;
  return done === 1 ? getPurgeJob(db, jobId) : null;
}

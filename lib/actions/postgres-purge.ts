import { Prisma, type PrismaClient } from '../db/generated/client';

/**
 * A row is expired when COALESCE(expires_at, processed_at + retention) has
 * passed and it is not in flight. That predicate is split in two phases so
 * that each batch is an ordered range scan of one index, which stops after
 * `limit` rows and skips the entries earlier batches already deleted:
 *   explicit:  expires_at < now()                          (expires_at index)
 *   retention: expires_at IS NULL AND processed_at < now() - retention  (processed_at index)
 */
export type PurgePhase = 'explicit' | 'retention';
export const PURGE_PHASES: PurgePhase[] = ['explicit', 'retention'];

/**
 * Joined into each batch: its commit does not wait for the WAL flush. A batch
 * lost to a crash is simply deleted again by the next purge, so waiting for
 * durability would only make every batch slower.
 */
const NO_FLUSH_WAIT = Prisma.sql`(SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait`;

/** Rows counted exactly before the count falls back to a planner estimate. */
export const EXACT_COUNT_CAP = 100_000;

/**
 * An integer spliced into the SQL text: the planner then sees the real LIMIT
 * and interval instead of planning for unknown parameters, which a cached
 * generic plan would otherwise do after a few batches.
 */
function literal(value: number): Prisma.Sql {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`expected a non-negative integer, got ${value}`);
  return Prisma.raw(String(value));
}

/** The rows a batch picks: the first `limit` of the phase's index range, locked, skipping any a consumer holds. */
function doomed(phase: PurgePhase, limit: number, retentionHours: number): Prisma.Sql {
  return phase === 'explicit'
    ? Prisma.sql`SELECT ctid FROM processed_messages
        WHERE expires_at < now() AND status <> 'processing'
        ORDER BY expires_at LIMIT ${literal(limit)} FOR UPDATE SKIP LOCKED`
    : Prisma.sql`SELECT ctid FROM processed_messages
        WHERE expires_at IS NULL AND processed_at < now() - make_interval(hours => ${literal(retentionHours)}) AND status <> 'processing'
        ORDER BY processed_at LIMIT ${literal(limit)} FOR UPDATE SKIP LOCKED`;
}

export interface BatchOutcome {
  purged: number;
  /** False when the job row is no longer this runner's (resumed elsewhere, or cancelled as interrupted). */
  owned: boolean;
  cancelRequested: boolean;
}

/**
 * Deletes up to `limit` expired rows in ONE short autocommit statement, and
 * counts them on the job's row in the same transaction, so the job's
 * progress is exactly what has been committed. The rows are picked and
 * locked with SKIP LOCKED, so a consumer claiming one of them right now is
 * neither blocked nor overtaken, and the DELETE re-checks the full expiry
 * condition on each locked row.
 */
export async function purgeBatch(
  db: PrismaClient,
  phase: PurgePhase,
  limit: number,
  retentionHours: number,
  job: { id: string; runner: string },
): Promise<BatchOutcome> {
  const [row] = await db.$queryRaw<{ purged: number; owned: boolean; cancel_requested: boolean | null }[]>`
    WITH doomed AS (${doomed(phase, limit, retentionHours)}),
    gone AS (
      DELETE FROM processed_messages pm USING ${NO_FLUSH_WAIT}
      WHERE pm.ctid = ANY(ARRAY(SELECT ctid FROM doomed))
        AND pm.status <> 'processing'
        AND COALESCE(pm.expires_at, pm.processed_at + make_interval(hours => ${literal(retentionHours)})) < now()
      RETURNING 1
    ),
    progress AS (
      UPDATE purge_jobs SET purged = purged + (SELECT count(*) FROM gone), batches = batches + 1, heartbeat_at = now(), updated_at = now()
      WHERE id = ${job.id}::uuid AND runner = ${job.runner} AND status = 'running'
      RETURNING cancel_requested
    )
    SELECT (SELECT count(*) FROM gone)::int AS purged, EXISTS (SELECT 1 FROM progress) AS owned,
      (SELECT cancel_requested FROM progress) AS cancel_requested`;
  return { purged: row!.purged, owned: row!.owned, cancelRequested: row!.cancel_requested === true };
}

export interface PurgeCount {
  count: number;
  /** True when at least one phase had more than EXACT_COUNT_CAP rows and its number is the planner's. */
  estimated: boolean;
}

/** How many rows a purge would delete: exact up to EXACT_COUNT_CAP per phase, else the planner's estimate. */
export async function countPurgeable(db: PrismaClient, retentionHours: number): Promise<PurgeCount> {
  const cap = EXACT_COUNT_CAP + 1;
  const [explicit, retention] = await Promise.all([
    db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM processed_messages WHERE expires_at < now() AND status <> 'processing' LIMIT ${cap}) s`,
    db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM processed_messages
        WHERE expires_at IS NULL AND processed_at < now() - make_interval(hours => ${retentionHours}) AND status <> 'processing'
        LIMIT ${cap}) s`,
  ]);
  let count = 0;
  let estimated = false;
  for (const [phase, rows] of [['explicit', explicit], ['retention', retention]] as const) {
    const exact = rows[0]?.n ?? 0;
    if (exact < cap) count += exact;
    else {
      estimated = true;
      count += Math.max(cap, await plannerEstimate(db, phase, retentionHours));
    }
  }
  return { count, estimated };
}

async function plannerEstimate(db: PrismaClient, phase: PurgePhase, retentionHours: number): Promise<number> {
  const plan =
    phase === 'explicit'
      ? await db.$queryRaw<{ 'QUERY PLAN': unknown }[]>`
          EXPLAIN (FORMAT JSON) SELECT 1 FROM processed_messages WHERE expires_at < now() AND status <> 'processing'`
      : await db.$queryRaw<{ 'QUERY PLAN': unknown }[]>`
          EXPLAIN (FORMAT JSON) SELECT 1 FROM processed_messages
          WHERE expires_at IS NULL AND processed_at < now() - make_interval(hours => ${retentionHours}) AND status <> 'processing'`;
  const doc = plan[0]?.['QUERY PLAN'];
  const parsed = (typeof doc === 'string' ? JSON.parse(doc) : doc) as { Plan: { 'Plan Rows': number } }[];
  return Math.round(parsed[0]?.Plan['Plan Rows'] ?? 0);
}

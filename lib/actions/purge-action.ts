import { appendAudit } from '../audit/audit-log';
import type { PostgresPurgePreview, PostgresPurgeStarted, PurgeJobView, RedisPurgePreview, RedisPurgeResult } from '../contract/actions';
import { guarded } from '../stores/postgres/guard';
import { purgeTargetOf } from '../stores/postgres/dedup-store';
import { cancelPurgeJob, getPurgeJob, recentPurgeJobs, resumePurgeJob, type JobHooks } from '../stores/postgres/purge-jobs';
import type { ActionDeps } from './deps';
import { type Actor, runAction, type RunOutcome } from './run-action';
import type { PurgeBody } from './schemas';

export type PurgeOutcome =
  | { dryRun: true; preview: PostgresPurgePreview | RedisPurgePreview }
  | ({ dryRun: false } & RunOutcome<PostgresPurgeStarted | RedisPurgeResult>);

/** Audits the end of a job's run, which happens after the request that started it has answered. */
function auditJobEnd(deps: ActionDeps, actor: Actor): JobHooks {
  return {
    onFinish: async (job: PurgeJobView) => {
      await appendAudit(deps.db, {
        actor: job.actor,
        role: 'operator',
        action: 'purge.postgres.finished',
        store: 'postgres',
        outcome: job.status === 'failed' ? 'error' : 'ok',
        parameters: { jobId: job.jobId },
        result: { status: job.status, purged: job.purged, batches: job.batches, ...(job.error ? { error: job.error } : {}) },
        clientAddress: actor.clientAddress,
      });
    },
  };
}

/**
 * Purge of expired records, through the store's own plan. Postgres: a
 * dry-run count, then a job that deletes in bounded batches. Redis: a preview
 * of keys without TTL (and expired Powertools records), then "apply TTL" or
 * delete of the previewed keys.
 */
export async function purgeAction(deps: ActionDeps, actor: Actor, body: PurgeBody): Promise<PurgeOutcome> {
  const store = deps.stores[body.store];
  if (body.dryRun) return { dryRun: true, preview: await store.previewPurge(body.store === 'postgres' ? { table: body.table } : {}) };
  const plan = store.planPurge(body, { actor: actor.principal.label, jobHooks: auditJobEnd(deps, actor) });
  const outcome = await runAction<PostgresPurgeStarted | RedisPurgeResult>(deps.db, actor, {
    ...plan,
    store: body.store,
    actionId: body.actionId,
    reason: body.reason,
    intendedTargets: body.store === 'redis' ? body.keys?.map((k) => k.key) : undefined,
  });
  return { dryRun: false, ...outcome };
}

export async function cancelJobAction(deps: ActionDeps, actor: Actor, jobId: string, actionId?: string): Promise<RunOutcome<PurgeJobView>> {
  return runAction<PurgeJobView>(deps.db, actor, {
    action: 'purge.cancel',
    store: 'postgres',
    actionId,
    parameters: { jobId },
    async execute() {
      const job = await guarded(cancelPurgeJob)(deps.db, jobId);
      return { body: job, targets: [jobId], result: { status: job.status, purged: job.purged } };
    },
  });
}

export async function resumeJobAction(deps: ActionDeps, actor: Actor, jobId: string, actionId?: string): Promise<RunOutcome<PurgeJobView>> {
  return runAction<PurgeJobView>(deps.db, actor, {
    action: 'purge.resume',
    store: 'postgres',
    actionId,
    parameters: { jobId },
    async execute() {
      const job = await guarded(resumePurgeJob)(deps.db, jobId, purgeTargetOf(deps.db, deps.config), auditJobEnd(deps, actor));
      return { body: job, targets: [jobId], outcome: 'started', result: { status: job.status, purgedBefore: job.purged } };
    },
  });
}

/** The latest purge jobs, newest first. */
export function recentJobs(deps: ActionDeps, limit: number): Promise<PurgeJobView[]> {
  return guarded(recentPurgeJobs)(deps.db, limit);
}

export function jobById(deps: ActionDeps, jobId: string): Promise<PurgeJobView> {
  return guarded(getPurgeJob)(deps.db, jobId);
}

import { appendAudit } from '../audit/audit-log';
import { MAX_LISTED } from '../audit/entry';
import { BulkLimitError, InvalidParameterError } from '../errors';
import type { ActionDeps } from './deps';
import { countPurgeable } from './postgres-purge';
import { cancelPurgeJob, resumePurgeJob, startPurgeJob, type JobHooks } from './purge-jobs';
import { purgeKeys, previewRedisPurge, retentionSeconds } from './redis-purge';
import { keyMatcher } from './redis-scan';
import { type Actor, runAction, type RunOutcome } from './run-action';
import type { PurgeBody } from './schemas';
import type { PostgresPurgePreview, PostgresPurgeStarted, PurgeJobView, RedisPurgePreview, RedisPurgeResult } from '../contract/actions';

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
 * Purge of expired records. Postgres: a dry-run count, then a job that
 * deletes in bounded batches. Redis: a preview of keys without TTL (and
 * expired Powertools records), then "apply TTL" or delete of the previewed keys.
 */
export async function purgeAction(deps: ActionDeps, actor: Actor, body: PurgeBody): Promise<PurgeOutcome> {
  const { config } = deps;
  if (body.store === 'postgres') {
    if (body.dryRun) {
      const { count, estimated } = await countPurgeable(deps.db, config.retentionHours);
      return {
        dryRun: true,
        preview: { dryRun: true, store: 'postgres', wouldPurge: count, estimated, retentionHours: config.retentionHours, batchSize: config.purgeBatchSize },
      };
    }
    if (!body.reason) throw new InvalidParameterError('reason', 'is required for a purge');
    const outcome = await runAction<PostgresPurgeStarted>(deps.db, actor, {
      action: 'purge.postgres',
      store: 'postgres',
      actionId: body.actionId,
      reason: body.reason,
      parameters: { retentionHours: config.retentionHours, batchSize: config.purgeBatchSize },
      async execute(actionId) {
        const { count, estimated } = await countPurgeable(deps.db, config.retentionHours);
        const job = await startPurgeJob(
          deps.db,
          { actor: actor.principal.label, actionId, reason: body.reason, batchSize: config.purgeBatchSize, retentionHours: config.retentionHours, estimatedTotal: count, estimated },
          auditJobEnd(deps, actor),
        );
        return {
          body: { actionId, store: 'postgres', jobId: job.jobId, job },
          outcome: 'started',
          targets: [],
          result: { jobId: job.jobId, wouldPurge: count, estimated },
        };
      },
    });
    return { dryRun: false, ...outcome };
  }

  if (body.dryRun) return { dryRun: true, preview: await previewRedisPurge(deps.redis, config) };
  if (!body.mode) throw new InvalidParameterError('mode', 'is required: "expire" (apply the retention as TTL) or "delete"');
  if (!body.keys) throw new InvalidParameterError('keys', 'is required: the {key, seen} items of the preview');
  if (body.keys.length > config.bulkLimit) throw new BulkLimitError(config.bulkLimit, body.keys.length);
  if (!body.reason) throw new InvalidParameterError('reason', 'is required for a purge');
  const allowed = keyMatcher(config);
  body.keys.forEach((k, i) => {
    if (!allowed(k.key)) throw new InvalidParameterError(`keys.${i}`, `is not under IDEMSCOPE_KEY_PATTERNS (${config.keyPatterns.join(', ')})`);
  });
  const mode = body.mode;
  const items = [...new Map(body.keys.map((k) => [k.key, k])).values()];
  const outcome = await runAction<RedisPurgeResult>(deps.db, actor, {
    action: `purge.redis.${mode}`,
    store: 'redis',
    actionId: body.actionId,
    reason: body.reason,
    parameters: { mode, requestedTargets: items.length, ...(mode === 'expire' ? { ttlSeconds: retentionSeconds(config) } : {}) },
    identity: { mode, targets: items },
    async execute(actionId) {
      const { purged, skipped } = await purgeKeys(deps.redis, config, mode, items);
      return {
        body: { actionId, store: 'redis', mode, purged, skipped },
        targets: items.map((i) => i.key),
        seen: items.slice(0, MAX_LISTED).map((i) => ({ key: i.key, seen: i.seen })),
        result: { purged: purged.length, skipped: skipped.length },
      };
    },
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
      const job = await cancelPurgeJob(deps.db, jobId);
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
      const job = await resumePurgeJob(deps.db, jobId, deps.config.retentionHours, auditJobEnd(deps, actor));
      return { body: job, targets: [jobId], outcome: 'started', result: { status: job.status, purgedBefore: job.purged } };
    },
  });
}

import { InvalidParameterError } from '../../errors';
import type { PrismaClient } from '../../db/generated/client';
import { isUuid } from '../../idempotency';
import type { StoreSettings } from '../settings';
import type { DedupStore } from '../store';
import { PostgresTables, type TableAdapter } from './adapters';
import { guarded } from './guard';
import { assertMayDropPartitions, dropExpiredPartitions } from './partitions';
import { assertMayPurge, assertMayPurgePartitions, assertMayRelease } from './privileges';
import type { PurgeTarget } from './purge';
import { startPurgeJob } from './purge-jobs';

/** The purge target of a watched table under these settings, for resuming a job. */
export function purgeTargetOf(db: PrismaClient, settings: StoreSettings, now: () => number = Date.now): (table: string) => Promise<PurgeTarget> {
  const tables = new PostgresTables(db, settings.tables);
  return async (table) => (await tables.adapter(settings, now, table)).purgeTarget();
}

/**
 * The watched Postgres tables as one DedupStore: each call goes to the
 * adapter of the table it names (the first watched table by default), which
 * applies that table's profile.
 */
export function postgresDedupStore(db: PrismaClient, settings: StoreSettings, now: () => number = Date.now): DedupStore {
  const tables = new PostgresTables(db, settings.tables);
  const on = (table: string | undefined): Promise<TableAdapter> => tables.adapter(settings, now, table);
  return {
    name: 'postgres',

    normaliseTarget(key, field) {
      // A uuid message_id (recipe, library) or a bigint id (stripe-keys); the table's adapter reads only its own kind.
      if (isUuid(key)) return key.toLowerCase();
      if (/^\d{1,18}$/.test(key)) return key;
      throw new InvalidParameterError(field, 'must be a message_id (uuid) or an id (integer) of the watched table');
    },

    previewRelease: guarded(async (scope, source) => (await on(source?.table)).previewRelease(scope)),
    release: guarded(async (targets, source) => {
      const adapter = await on(source?.table);
      await assertMayRelease(db, adapter.table);
      return adapter.release(targets);
    }),

    previewPurge: guarded(async (source) => {
      const adapter = await on(source?.table);
      const plan = adapter.partitionPlan ? await adapter.partitionPlan() : null;
      const { count: wouldPurge, estimated } = plan
        ? { count: [...plan.drop, ...plan.batch].reduce((n, p) => n + p.rows, 0), estimated: plan.estimated }
        : await adapter.countPurgeable();
      return {
        dryRun: true,
        store: 'postgres',
        table: adapter.table.name,
        timeIndexed: adapter.table.timeIndexed,
        wouldPurge,
        estimated,
        retentionHours: settings.retentionHours,
        batchSize: settings.purgeBatchSize,
        ...(plan ? { partitions: { drop: plan.drop, batch: plan.batch } } : {}),
      };
    }),

    planPurge(request, context) {
      if (!request.reason) throw new InvalidParameterError('reason', 'is required for a purge');
      const reason = request.reason;
      /**
       * A partitioned table: refused unless the role owns what it would drop;
       * then every partition entirely past retention is dropped in this
       * step, and a job purges the partitions at the cut in batches.
       */
      const executePartitioned = async (adapter: TableAdapter, actionId: string) => {
        const table = adapter.table;
        const dropped = await guarded(dropExpiredPartitions)(db, table, table.partitionedBy!, settings.retentionHours, async (drop, batch) => {
          if (drop.length) await assertMayDropPartitions(db, table, drop);
          await assertMayPurgePartitions(db, batch);
        });
        const { count: batchRows, estimated } = await guarded(() => adapter.countPurgeable(dropped.batch))();
        const job = await guarded(startPurgeJob)(
          db,
          {
            actor: context.actor,
            actionId,
            reason,
            batchSize: settings.purgeBatchSize,
            target: adapter.purgeTarget(),
            estimatedTotal: batchRows,
            estimated,
            partitions: dropped.batch,
          },
          context.jobHooks,
        );
        return {
          body: { actionId, store: 'postgres' as const, jobId: job.jobId, job, droppedPartitions: dropped.dropped, dropMs: dropped.dropMs },
          outcome: 'started' as const,
          targets: dropped.dropped.map((p) => p.name),
          result: { jobId: job.jobId, table: adapter.table.name, droppedPartitions: dropped.dropped, dropMs: dropped.dropMs, keptPartitions: dropped.kept, batchPartitions: dropped.batch, wouldPurge: batchRows },
        };
      };
      return {
        action: 'purge.postgres',
        parameters: { retentionHours: settings.retentionHours, batchSize: settings.purgeBatchSize, ...(request.table ? { table: request.table } : {}) },
        async execute(actionId) {
          const adapter = await guarded(on)(request.table);
          await guarded(assertMayPurge)(db, adapter.table);
          if (adapter.partitionPlan) return executePartitioned(adapter, actionId);
          const { count: estimatedTotal, estimated } = await guarded(() => adapter.countPurgeable())();
          const job = await guarded(startPurgeJob)(
            db,
            { actor: context.actor, actionId, reason, batchSize: settings.purgeBatchSize, target: adapter.purgeTarget(), estimatedTotal, estimated },
            context.jobHooks,
          );
          return {
            body: { actionId, store: 'postgres', jobId: job.jobId, job },
            outcome: 'started',
            targets: [],
            result: { jobId: job.jobId, table: adapter.table.name, wouldPurge: estimatedTotal, estimated },
          };
        },
      };
    },
  };
}

import { InvalidParameterError } from '../../errors';
import type { PrismaClient } from '../../db/generated/client';
import { isUuid } from '../../idempotency';
import type { StoreSettings } from '../settings';
import type { DedupStore } from '../store';
import { PostgresTables, type TableAdapter } from './adapters';
import { guarded } from './guard';
import { assertMayPurge, assertMayRelease } from './privileges';
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
      const { count: wouldPurge, estimated } = await adapter.countPurgeable();
      return {
        dryRun: true,
        store: 'postgres',
        table: adapter.table.name,
        timeIndexed: adapter.table.timeIndexed,
        wouldPurge,
        estimated,
        retentionHours: settings.retentionHours,
        batchSize: settings.purgeBatchSize,
      };
    }),

    planPurge(request, context) {
      if (!request.reason) throw new InvalidParameterError('reason', 'is required for a purge');
      const reason = request.reason;
      return {
        action: 'purge.postgres',
        parameters: { retentionHours: settings.retentionHours, batchSize: settings.purgeBatchSize, ...(request.table ? { table: request.table } : {}) },
        async execute(actionId) {
          const adapter = await guarded(on)(request.table);
          await guarded(assertMayPurge)(db, adapter.table);
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

import { InvalidParameterError } from '../../errors';
import type { PrismaClient } from '../../db/generated/client';
import { isUuid } from '../../idempotency';
import type { StoreSettings } from '../settings';
import type { DedupStore } from '../store';
import { guarded } from './guard';
import { countPurgeable, type PurgeTarget } from './purge';
import { purgeableCondition } from './rules';
import { startPurgeJob } from './purge-jobs';
import { previewMessages, previewStuckMessages, releaseMessages } from './release';

/** The purge target of a watched table under these settings. */
export function purgeTargetOf(settings: StoreSettings): (table: string) => PurgeTarget {
  return (table) => ({ table, condition: purgeableCondition(settings.retentionHours) });
}

export function postgresDedupStore(db: PrismaClient, settings: StoreSettings, now: () => number = Date.now): DedupStore {
  const count = guarded(() => countPurgeable(db, settings.retentionHours, now()));
  return {
    name: 'postgres',

    normaliseTarget(key, field) {
      if (!isUuid(key)) throw new InvalidParameterError(field, 'must be a processed_messages message_id (uuid)');
      return key.toLowerCase();
    },

    previewRelease: guarded((scope) =>
      'keys' in scope ? previewMessages(db, settings, scope.keys, now()) : previewStuckMessages(db, settings, scope.olderThanSeconds, now()),
    ),
    release: guarded((targets) => releaseMessages(db, targets)),

    previewPurge: async () => {
      const { count: wouldPurge, estimated } = await count();
      return { dryRun: true, store: 'postgres', wouldPurge, estimated, retentionHours: settings.retentionHours, batchSize: settings.purgeBatchSize };
    },

    planPurge(request, context) {
      if (!request.reason) throw new InvalidParameterError('reason', 'is required for a purge');
      const reason = request.reason;
      return {
        action: 'purge.postgres',
        parameters: { retentionHours: settings.retentionHours, batchSize: settings.purgeBatchSize },
        async execute(actionId) {
          const { count: estimatedTotal, estimated } = await count();
          const job = await guarded(startPurgeJob)(
            db,
            {
              actor: context.actor,
              actionId,
              reason,
              batchSize: settings.purgeBatchSize,
              target: purgeTargetOf(settings)('public.processed_messages'),
              estimatedTotal,
              estimated,
            },
            context.jobHooks,
          );
          return {
            body: { actionId, store: 'postgres', jobId: job.jobId, job },
            outcome: 'started',
            targets: [],
            result: { jobId: job.jobId, wouldPurge: estimatedTotal, estimated },
          };
        },
      };
    },
  };
}

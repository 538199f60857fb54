import { MAX_LISTED } from '../audit/entry';
import { BulkLimitError, InvalidParameterError } from '../errors';
import { isUuid } from '../idempotency';
import type { ActionDeps } from './deps';
import { previewMessages, previewStuckMessages, releaseMessages } from './postgres-release';
import { keyMatcher } from './redis-scan';
import { previewKeys, previewStuckKeys, releaseKeys } from './redis-release';
import { type Actor, runAction, type RunOutcome } from './run-action';
import type { ReleaseBody } from './schemas';
import type { ActionStore, ReleasePreview, ReleaseResult, Skipped } from '../contract/actions';

type Target = { key: string; seen?: string };

/** Checks the targets before anything runs: count, shape, and that each is a key this dashboard may touch. */
function targetsOf(deps: ActionDeps, store: ActionStore, body: ReleaseBody): Target[] | null {
  if (!body.keys) return null;
  if (body.keys.length > deps.config.bulkLimit) throw new BulkLimitError(deps.config.bulkLimit, body.keys.length);
  const allowed = keyMatcher(deps.config);
  const unique = new Map<string, Target>();
  body.keys.forEach((entry, i) => {
    const target: Target = typeof entry === 'string' ? { key: entry } : entry;
    if (store === 'postgres') {
      if (!isUuid(target.key)) throw new InvalidParameterError(`keys.${i}`, 'must be a processed_messages message_id (uuid)');
      target.key = target.key.toLowerCase();
    } else if (!allowed(target.key)) {
      throw new InvalidParameterError(`keys.${i}`, `is not under IDEMSCOPE_KEY_PATTERNS (${deps.config.keyPatterns.join(', ')})`);
    }
    unique.set(target.key, target);
  });
  return [...unique.values()];
}

async function preview(deps: ActionDeps, store: ActionStore, keys: string[] | null, olderThanSeconds?: number): Promise<ReleasePreview> {
  if (store === 'redis') {
    return keys ? previewKeys(deps.redis, deps.config, keys) : previewStuckKeys(deps.redis, deps.config, olderThanSeconds!);
  }
  return keys ? previewMessages(deps.db, deps.config, keys) : previewStuckMessages(deps.db, deps.config, olderThanSeconds!);
}

/**
 * Release of stuck in-flight records, Redis keys or Postgres rows. A dry run
 * previews; a confirmation releases only the records still exactly as
 * previewed (items with `seen`), or, for a script that skipped the preview,
 * as this request finds them. Bulk confirmations need a reason.
 */
export async function releaseAction(
  deps: ActionDeps,
  store: ActionStore,
  actor: Actor,
  body: ReleaseBody,
): Promise<{ dryRun: true; preview: ReleasePreview } | ({ dryRun: false } & RunOutcome<ReleaseResult>)> {
  const targets = targetsOf(deps, store, body);
  if (body.dryRun) return { dryRun: true, preview: await preview(deps, store, targets?.map((t) => t.key) ?? null, body.olderThanSeconds) };

  const bulk = targets === null || targets.length > 1;
  if (bulk && !body.reason) throw new InvalidParameterError('reason', 'is required for a bulk release');

  const outcome = await runAction<ReleaseResult>(deps.db, actor, {
    action: store === 'redis' ? 'keys.release' : 'messages.release',
    store,
    actionId: body.actionId,
    reason: body.reason,
    parameters: { olderThanSeconds: body.olderThanSeconds ?? null, requestedTargets: targets?.length ?? null },
    identity: { targets: targets ?? null, olderThanSeconds: body.olderThanSeconds ?? null },
    async execute(actionId) {
      const withSeen = (targets ?? []).filter((t): t is Required<Target> => t.seen !== undefined);
      const without = targets?.filter((t) => t.seen === undefined).map((t) => t.key) ?? null;
      // Targets without a preview are compared with what this request sees now.
      const fresh = without === null || without.length ? await preview(deps, store, without, body.olderThanSeconds) : null;
      const items = [...withSeen, ...(fresh?.wouldRelease ?? [])];
      // What the first targets look like right before the release, for the audit log only.
      const before = await preview(deps, store, items.slice(0, MAX_LISTED).map((i) => i.key));
      const stateOf = new Map(before.wouldRelease.map((i) => [i.key, i.state]));
      const { released, skipped } = store === 'redis' ? await releaseKeys(deps.redis, deps.config, items) : await releaseMessages(deps.db, items);
      const allSkipped: Skipped[] = [...(fresh?.skipped ?? []), ...skipped];
      return {
        body: { actionId, store, released, skipped: allSkipped },
        targets: [...items.map((i) => i.key), ...(fresh?.skipped ?? []).map((s) => s.key)],
        seen: items.slice(0, MAX_LISTED).map((i) => ({ key: i.key, seen: i.seen, state: stateOf.get(i.key) ?? null })),
        result: { released: released.length, skipped: allSkipped.length, ...(fresh?.more ? { moreRemain: true } : {}) },
      };
    },
  });
  return { dryRun: false, ...outcome };
}

import { MAX_LISTED } from '../audit/entry';
import type { ActionStore, ReleasePreview, ReleaseResult, Skipped } from '../contract/actions';
import { BulkLimitError, InvalidParameterError } from '../errors';
import type { DedupStore } from '../stores/store';
import type { ActionDeps } from './deps';
import { type Actor, runAction, type RunOutcome } from './run-action';
import type { ReleaseBody } from './schemas';

type Target = { key: string; seen?: string };

/** The audit log's name for a release, per store, as the API has always called them. */
const RELEASE_ACTION: Record<ActionStore, string> = { redis: 'keys.release', postgres: 'messages.release' };

/** Checks the targets before anything runs: count, shape, and that each is a key this dashboard may touch. */
function targetsOf(deps: ActionDeps, store: DedupStore, body: ReleaseBody): Target[] | null {
  if (!body.keys) return null;
  if (body.keys.length > deps.config.bulkLimit) throw new BulkLimitError(deps.config.bulkLimit, body.keys.length);
  const unique = new Map<string, Target>();
  body.keys.forEach((entry, i) => {
    const target: Target = typeof entry === 'string' ? { key: entry } : { ...entry };
    target.key = store.normaliseTarget(target.key, `keys.${i}`);
    unique.set(target.key, target);
  });
  return [...unique.values()];
}

function preview(store: DedupStore, table: string | undefined, keys: string[] | null, olderThanSeconds?: number): Promise<ReleasePreview> {
  return store.previewRelease(keys ? { keys } : { olderThanSeconds: olderThanSeconds! }, { table });
}

/**
 * Release of stuck in-flight records, Redis keys or Postgres rows. A dry run
 * previews; a confirmation releases only the records still exactly as
 * previewed (items with `seen`), or, for a script that skipped the preview,
 * as this request finds them. Bulk confirmations need a reason.
 */
export async function releaseAction(
  deps: ActionDeps,
  storeName: ActionStore,
  actor: Actor,
  body: ReleaseBody,
): Promise<{ dryRun: true; preview: ReleasePreview } | ({ dryRun: false } & RunOutcome<ReleaseResult>)> {
  const store = deps.stores[storeName];
  const targets = targetsOf(deps, store, body);
  const table = storeName === 'postgres' ? body.table : undefined;
  if (body.dryRun) return { dryRun: true, preview: await preview(store, table, targets?.map((t) => t.key) ?? null, body.olderThanSeconds) };

  const bulk = targets === null || targets.length > 1;
  if (bulk && !body.reason) throw new InvalidParameterError('reason', 'is required for a bulk release');

  const outcome = await runAction<ReleaseResult>(deps.db, actor, {
    action: RELEASE_ACTION[storeName],
    store: storeName,
    actionId: body.actionId,
    reason: body.reason,
    parameters: { olderThanSeconds: body.olderThanSeconds ?? null, requestedTargets: targets?.length ?? null, ...(table ? { table } : {}) },
    identity: { targets: targets ?? null, olderThanSeconds: body.olderThanSeconds ?? null, table: table ?? null },
    intendedTargets: targets?.map((t) => t.key),
    async execute(actionId) {
      const withSeen = (targets ?? []).filter((t): t is Required<Target> => t.seen !== undefined);
      const without = targets?.filter((t) => t.seen === undefined).map((t) => t.key) ?? null;
      // Targets without a preview are compared with what this request sees now.
      const fresh = without === null || without.length ? await preview(store, table, without, body.olderThanSeconds) : null;
      const items = [...withSeen, ...(fresh?.wouldRelease ?? [])];
      // What the first targets look like right before the release, for the audit log only.
      const before = await preview(store, table, items.slice(0, MAX_LISTED).map((i) => i.key));
      const stateOf = new Map(before.wouldRelease.map((i) => [i.key, i.state]));
      const { released, skipped } = await store.release(items, { table });
      const allSkipped: Skipped[] = [...(fresh?.skipped ?? []), ...skipped];
      return {
        body: { actionId, store: storeName, released, skipped: allSkipped },
        targets: [...items.map((i) => i.key), ...(fresh?.skipped ?? []).map((s) => s.key)],
        seen: items.slice(0, MAX_LISTED).map((i) => ({ key: i.key, seen: i.seen, state: stateOf.get(i.key) ?? null })),
        result: { released: released.length, skipped: allSkipped.length, ...(fresh?.more ? { moreRemain: true } : {}) },
      };
    },
  });
  return { dryRun: false, ...outcome };
}

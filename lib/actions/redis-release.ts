import type { Redis } from 'ioredis';
import { BUCKET_TTL_SECONDS } from '../idempotency/stats-keys';
import type { ActionConfig } from './config';
import { isInFlight, readKeyStates, seenStateOf, type KeyState } from './redis-read';
import { RELEASE_IF_SEEN } from './redis-scripts';
import { scanPatterns } from './redis-scan';
import type { PreviewItem, ReleasePreview, ReleaseSkipReason, Skipped } from '../contract/actions';

/** Keys per script call: each call blocks Redis, so it stays around a millisecond. */
const SCRIPT_BATCH = 200;

function toItem(state: KeyState): PreviewItem {
  return { key: state.key, seen: state.digest!, state: seenStateOf(state) };
}

/** Preview of named keys (already checked against the key patterns). */
export async function previewKeys(redis: Redis, config: ActionConfig, keys: string[]): Promise<ReleasePreview> {
  const wouldRelease: PreviewItem[] = [];
  const skipped: Skipped[] = [];
  for (const state of await readKeyStates(redis, keys, config)) {
    if (!state.exists) skipped.push({ key: state.key, reason: 'missing' });
    else if (!isInFlight(state) || state.digest === null) skipped.push({ key: state.key, reason: 'not-in-flight' });
    else wouldRelease.push(toItem(state));
  }
  return { dryRun: true, store: 'redis', count: wouldRelease.length, wouldRelease, skipped, more: false, examined: keys.length, complete: true };
}

/**
 * Stuck keys (see lib/records/classify) stuck for at least `olderThanSeconds`,
 * found by a bounded SCAN of the key patterns; at most the bulk limit.
 */
export async function previewStuckKeys(redis: Redis, config: ActionConfig, olderThanSeconds: number): Promise<ReleasePreview> {
  const found: PreviewItem[] = [];
  const scan = await scanPatterns(redis, config, async (keys) => {
    for (const state of await readKeyStates(redis, keys, config)) {
      const stuckFor = state.classified?.stuckForSeconds ?? null;
      if (state.classified?.state === 'stuck' && state.digest !== null && stuckFor !== null && stuckFor >= olderThanSeconds) {
        found.push(toItem(state));
      }
    }
    return found.length > config.bulkLimit;
  });
  const more = found.length > config.bulkLimit;
  const wouldRelease = found.slice(0, config.bulkLimit);
  return { dryRun: true, store: 'redis', count: wouldRelease.length, wouldRelease, skipped: [], more, examined: scan.examined, complete: scan.complete };
}

/**
 * Compare-and-delete of each key against the value digest seen at preview,
 * in scripts of SCRIPT_BATCH keys (see RELEASE_IF_SEEN).
 */
export async function releaseKeys(
  redis: Redis,
  config: ActionConfig,
  items: { key: string; seen: string }[],
): Promise<{ released: string[]; skipped: Skipped[] }> {
  const released: string[] = [];
  const skipped: Skipped[] = [];
  for (let i = 0; i < items.length; i += SCRIPT_BATCH) {
    const batch = items.slice(i, i + SCRIPT_BATCH);
    const outcomes = (await RELEASE_IF_SEEN.run(
      redis,
      batch.map((b) => b.key),
      [config.statsPrefix, BUCKET_TTL_SECONDS.m, BUCKET_TTL_SECONDS.h, ...batch.map((b) => b.seen)],
    )) as string[];
    batch.forEach((item, j) => {
      const outcome = outcomes[j];
      if (outcome === 'released') released.push(item.key);
      else skipped.push({ key: item.key, reason: outcome as ReleaseSkipReason });
    });
  }
  return { released, skipped };
}

import type { PreviewItem, ReleasePreview, ReleaseSkipReason, Skipped } from '../../contract/actions';
import { BUCKET_TTL_SECONDS } from '../../idempotency/stats-keys';
import { hashTag } from '../../idempotency/stores/redis-layout';
import type { RedisAccess } from './access';
import { createKeyFilter } from '../../records/key-filter';
import { isReleasable, readKeyStates, seenStateOf, type KeyState } from './key-states';
import { indexedPatterns } from '../../records/key-patterns';
import type { IndexPosition } from './in-flight-pages';
import { SCAN_BUDGET, scanPatterns } from './keyspace';
import { RELEASE_IF_SEEN } from './scripts';

/** Keys per script call: each call blocks Redis, so it stays around a millisecond. */
const SCRIPT_BATCH = 200;

function toItem(state: KeyState): PreviewItem {
  return { key: state.key, seen: state.digest!, state: seenStateOf(state) };
}

/** Preview of named keys (already checked against the key patterns). */
export async function previewKeys(redis: RedisAccess, keys: string[]): Promise<ReleasePreview> {
  const wouldRelease: PreviewItem[] = [];
  const skipped: Skipped[] = [];
  for (const state of await readKeyStates(redis.reader, keys, redis.settings, redis.now())) {
    if (!state.exists) skipped.push({ key: state.key, reason: 'missing' });
    else if (!isReleasable(state) || state.digest === null) skipped.push({ key: state.key, reason: 'not-in-flight' });
    else wouldRelease.push(toItem(state));
  }
  return { dryRun: true, store: 'redis', count: wouldRelease.length, wouldRelease, skipped, more: false, examined: keys.length, complete: true };
}

/** Members of the in-flight index read per step of a bulk preview: one script call per index, then one peek. */
const INDEX_STEP = 1000;

/**
 * Releasable stuck keys (see lib/records/formats) stuck for at least
 * `olderThanSeconds`, at most the bulk limit. Patterns declared `=idemscope`
 * take their candidates from the library's in-flight index, oldest first
 * (stuck for at least T seconds means claimed at least T seconds ago, so the
 * walk stops at that claim time); the other patterns by a bounded SCAN.
 * Either way each candidate is read and classified by the same rules as the
 * overview, on one clock, so with 0 seconds the preview finds what the
 * overview counts as stuck.
 */
export async function previewStuckKeys(redis: RedisAccess, olderThanSeconds: number): Promise<ReleasePreview> {
  const config = redis.settings;
  const nowMs = redis.now();
  const found: PreviewItem[] = [];
  const take = async (keys: string[]) => {
    for (const state of await readKeyStates(redis.reader, keys, config, nowMs)) {
      const stuckFor = state.classified?.stuckForSeconds ?? null;
      // Stuck but not releasable (a stalled BullMQ job, which BullMQ's stall checker owns) is left alone.
      if (state.classified?.state === 'stuck' && isReleasable(state) && state.digest !== null && stuckFor !== null && stuckFor >= olderThanSeconds) {
        found.push(toItem(state));
      }
    }
    return found.length > config.bulkLimit;
  };

  const indexed = indexedPatterns(config.keyPatterns);
  const fromIndex = indexed.length ? await walkIndex(redis, indexed, olderThanSeconds > 0 ? nowMs - olderThanSeconds * 1000 : null, take) : null;
  const scanning = config.keyPatterns.length > indexed.length && !(fromIndex?.enough ?? false);
  const scan = scanning
    ? await scanPatterns(redis.reader, config, take, SCAN_BUDGET - (fromIndex?.members ?? 0), (i) => !indexed.includes(i))
    : null;
  const more = found.length > config.bulkLimit;
  const wouldRelease = found.slice(0, config.bulkLimit);
  return {
    dryRun: true,
    store: 'redis',
    count: wouldRelease.length,
    wouldRelease,
    skipped: [],
    more,
    examined: (fromIndex?.members ?? 0) + (scan?.examined ?? 0),
    complete: (fromIndex?.complete ?? true) && (scan?.complete ?? config.keyPatterns.length === indexed.length),
    sources: { inFlightIndex: fromIndex && { members: fromIndex.members }, scan: scan && { keys: scan.examined }, readAt: new Date(nowMs).toISOString() },
  };
}

/**
 * Walks the in-flight indexes oldest first up to `maxScore`, handing the
 * members under the indexed patterns to `visit` a step at a time, until it
 * says enough, the walk ends, or SCAN_BUDGET members were read.
 */
async function walkIndex(
  redis: RedisAccess,
  indexed: number[],
  maxScore: number | null,
  visit: (keys: string[]) => Promise<boolean>,
): Promise<{ members: number; complete: boolean; enough: boolean }> {
  const filter = createKeyFilter(redis.settings.keyPatterns, redis.settings.statsPrefix);
  let members = 0;
  let after: IndexPosition | null = null;
  for (;;) {
    const page = await redis.inFlightPage(redis.inFlightIndexes, after, maxScore, INDEX_STEP);
    members += page.length;
    const ours = page.filter((m) => indexed.includes(filter.patternOf(m.key))).map((m) => m.key);
    if (ours.length && (await visit(ours))) return { members, complete: false, enough: true };
    if (page.length < INDEX_STEP) return { members, complete: true, enough: false };
    if (members >= SCAN_BUDGET) return { members, complete: false, enough: false };
    const last = page.at(-1)!;
    after = { score: last.score, member: last.key };
  }
}

/**
 * Compare-and-delete of each key against the value digest seen at preview,
 * in scripts of SCRIPT_BATCH keys (see RELEASE_IF_SEEN), each checked by the
 * format of the pattern it is under; on a cluster one script per key, on the
 * key's master.
 */
export async function releaseKeys(
  redis: RedisAccess,
  items: { key: string; seen: string }[],
): Promise<{ released: string[]; skipped: Skipped[] }> {
  const config = redis.settings;
  const filter = createKeyFilter(config.keyPatterns, config.statsPrefix);
  const released: string[] = [];
  const skipped: Skipped[] = [];
  // On a cluster a release is counted only into the slot-group hashes of the key's own tag (the
  // library's records carry one); a key without such a tag is released uncounted.
  const counters = (key: string): [string, string] => {
    if (redis.clusterTags === null) return [config.statsPrefix, ''];
    const tag = hashTag(key);
    return redis.clusterTags.includes(tag) ? [config.statsPrefix, tag] : ['', ''];
  };
  for (let i = 0; i < items.length; i += SCRIPT_BATCH) {
    const batch = items.slice(i, i + SCRIPT_BATCH);
    const outcomes = (await redis.runEach(
      RELEASE_IF_SEEN,
      batch.map((b) => b.key),
      (keys, from) => {
        const [prefix, tag] = counters(keys[0]!);
        const items = batch.slice(from, from + keys.length);
        return [prefix, String(BUCKET_TTL_SECONDS.m), String(BUCKET_TTL_SECONDS.h), tag, ...items.flatMap((b) => [b.seen, filter.formatOf(b.key) ?? 'auto'])];
      },
      (keys) => [redis.inFlightIndexOf(keys[0]!) ?? keys[0]!],
    )) as string[];
    batch.forEach((item, j) => {
      const outcome = outcomes[j];
      if (outcome === 'released') released.push(item.key);
      else skipped.push({ key: item.key, reason: outcome as ReleaseSkipReason });
    });
  }
  return { released, skipped };
}

import type { PurgeCandidate, PurgeSkipReason, RedisPurgePreview, Skipped } from '../../contract/actions';
import type { StoreSettings } from '../settings';
import type { RedisAccess } from './access';
import { readKeyStates, seenStateOf, type KeyState } from './key-states';
import { scanPatterns } from './keyspace';
import { DIGESTS, PURGE_IF_SEEN } from './scripts';

const SCRIPT_BATCH = 200;
/** Longer values are not offered: digesting one inside Redis would block it for too long. */
export const MAX_DIGEST_BYTES = 1024 * 1024;

export const retentionSeconds = (config: StoreSettings) => config.retentionHours * 3600;

function why(state: KeyState): PurgeCandidate['why'] | null {
  if (!state.exists || state.type !== 'string') return null;
  // A BullMQ dedup key lives as long as its job by design; a stray one is released, never given a TTL.
  if (state.keyFormat === 'bullmq') return null;
  if (state.pttlMs === -1) return 'no-expiry';
  if (state.decoded?.format === 'powertools' && state.classified?.state === 'expired') return 'expired';
  return null;
}

/**
 * Keys Redis will never expire by itself (no TTL) and Powertools records past
 * their own expiration, by a bounded SCAN; at most the bulk limit. Values too
 * long to digest from their head are digested inside Redis, up to MAX_DIGEST_BYTES.
 */
export async function previewRedisPurge(redis: RedisAccess): Promise<RedisPurgePreview> {
  const config = redis.settings;
  const found: PurgeCandidate[] = [];
  const scan = await scanPatterns(redis.reader, config, async (keys) => {
    const candidates = (await readKeyStates(redis.reader, keys, config, redis.now())).filter((s) => why(s) !== null && s.bytes <= MAX_DIGEST_BYTES);
    const long = candidates.filter((s) => s.digest === null);
    if (long.length) {
      const digests = (await redis.runEach(DIGESTS, long.map((s) => s.key), () => [])) as (string | null)[];
      long.forEach((s, i) => (s.digest = digests[i] || null));
    }
    for (const state of candidates) {
      if (state.digest) found.push({ key: state.key, seen: state.digest, state: seenStateOf(state), why: why(state)! });
    }
    return found.length > config.bulkLimit;
  });
  const more = found.length > config.bulkLimit;
  const wouldPurge = found.slice(0, config.bulkLimit);
  return {
    dryRun: true,
    store: 'redis',
    count: wouldPurge.length,
    wouldPurge,
    more,
    examined: scan.examined,
    complete: scan.complete,
    ttlSeconds: retentionSeconds(config),
  };
}

/** Applies the retention as TTL to, or deletes, each previewed key that is still as seen (see PURGE_IF_SEEN). */
export async function purgeKeys(
  redis: RedisAccess,
  mode: 'expire' | 'delete',
  items: { key: string; seen: string }[],
): Promise<{ purged: string[]; skipped: Skipped<PurgeSkipReason>[] }> {
  const config = redis.settings;
  const purged: string[] = [];
  const skipped: Skipped<PurgeSkipReason>[] = [];
  for (let i = 0; i < items.length; i += SCRIPT_BATCH) {
    const batch = items.slice(i, i + SCRIPT_BATCH);
    const outcomes = (await redis.runEach(
      PURGE_IF_SEEN,
      batch.map((b) => b.key),
      (keys, from) => [mode, String(retentionSeconds(config)), ...batch.slice(from, from + keys.length).map((b) => b.seen)],
      (keys) => [redis.inFlightIndexOf(keys[0]!) ?? keys[0]!],
    )) as string[];
    batch.forEach((item, j) => {
      if (outcomes[j] === 'purged') purged.push(item.key);
      else skipped.push({ key: item.key, reason: outcomes[j] as PurgeSkipReason });
    });
  }
  return { purged, skipped };
}

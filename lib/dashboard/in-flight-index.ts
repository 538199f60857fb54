import { inFlightIndexKey } from '../idempotency/stats-keys';
import { companionKey } from '../idempotency/stores/redis-layout';
import { examine } from '../records/examine';
import { createKeyFilter } from '../records/key-filter';
import { indexedPatterns } from '../records/key-patterns';
import { stuckKeyOf, type KeyspaceSnapshot, type StuckKey } from '../scanner/snapshot';
import type { DashboardDeps } from './deps';

/**
 * The library's claims in flight, read from its index (a sorted set the
 * library writes with every claim, result, failure and release) rather than
 * from a keyspace pass: live, and without a SCAN. On a Redis Cluster the
 * library keeps one index per slot group (see redis-layout.ts); all of them
 * are read and their oldest members merged.
 */
export interface InFlightReading {
  readAtMs: number;
  /** ZCARD: every member, including any whose key has gone and is not pruned yet. */
  members: number;
  /** Members read, oldest first (at most IDEMSCOPE_LIST_EXAMINE_LIMIT). */
  examined: number;
  /** Examined members whose key has gone or no longer holds a claim in flight: never counted or listed. */
  gone: number;
  /** Members beyond the examined ones (the youngest): counted as processing, under no pattern. */
  unexamined: number;
  /** Per configured pattern of format `idemscope` (by index): its claims in flight, by state. */
  byPattern: Map<number, { processing: number; stuck: number }>;
  /** Stuck claims, longest-stuck first, at most topStuck. */
  stuck: StuckKey[];
}

export { indexedPatterns } from '../records/key-patterns';

/**
 * Reads the index: ZCARD and the oldest members in one round trip, then each
 * member's key in one pipelined PTTL + GETRANGE, classified by the same
 * format reader as a scanned key, so a member whose key has gone is never
 * listed and a claim is stuck by the same rule. Null when no pattern is
 * declared `=idemscope`.
 */
export async function readInFlightIndex(deps: Pick<DashboardDeps, 'config' | 'redis' | 'now'>): Promise<InFlightReading | null> {
  const { config } = deps;
  const indexed = indexedPatterns(config.keyPatterns);
  if (indexed.length === 0) return null;
  // One untagged set on a single node; on a cluster one per slot group, tagged like its records.
  const indexes = deps.redis.counterTags.map((tag) => companionKey(inFlightIndexKey(config.statsPrefix), tag));
  const { members, oldest } = await deps.redis.inFlightIndex(indexes, config.keysExaminedPerRequest);
  const filter = createKeyFilter(config.keyPatterns, config.statsPrefix);
  const ours = oldest.filter((key) => indexed.includes(filter.patternOf(key)));
  const peeks = await deps.redis.keyspace.peek(ours, config.headBytes);
  const readAtMs = deps.now();
  const entries = await examine(peeks, config.headBytes, readAtMs, config, () => 'idemscope', () => Promise.resolve([]));
  const byPattern = new Map(indexed.map((i) => [i, { processing: 0, stuck: 0 }]));
  const stuck: StuckKey[] = [];
  let counted = 0;
  for (const entry of entries) {
    if (entry.state !== 'processing' && entry.state !== 'stuck') continue;
    counted++;
    byPattern.get(filter.patternOf(entry.key))![entry.state]++;
    if (entry.state === 'stuck') stuck.push(stuckKeyOf(entry));
  }
  stuck.sort(longestStuckFirst);
  return {
    readAtMs,
    members,
    examined: oldest.length,
    gone: ours.length - counted,
    unexamined: Math.max(0, members - oldest.length),
    byPattern,
    stuck: stuck.slice(0, config.topStuck),
  };
}

/**
 * The snapshot with the in-flight figures of the indexed patterns taken from
 * the index instead of the pass (which may be minutes old); everything else
 * (completed, failed, expiry) stays the pass's. A new object: the scanner's
 * snapshot is shared between requests.
 */
export function withInFlightIndex(snapshot: KeyspaceSnapshot, reading: InFlightReading, topStuck: number, patternOf: (key: string) => number): KeyspaceSnapshot {
  const byState = { ...snapshot.byState };
  const byFormat = { ...snapshot.byFormat };
  let keys = snapshot.keys;
  const byPattern = snapshot.byPattern.map((pattern, i) => {
    const live = reading.byPattern.get(i);
    if (!live) return pattern;
    const delta = live.processing - pattern.byState.processing + live.stuck - pattern.byState.stuck;
    byState.processing += live.processing - pattern.byState.processing;
    byState.stuck += live.stuck - pattern.byState.stuck;
    byFormat.idemscope += delta;
    keys += delta;
    return { ...pattern, keys: pattern.keys + delta, byState: { ...pattern.byState, processing: live.processing, stuck: live.stuck } };
  });
  byState.processing += reading.unexamined;
  byFormat.idemscope += reading.unexamined;
  keys += reading.unexamined;
  const oldestStuck = [...snapshot.oldestStuck.filter((s) => !reading.byPattern.has(patternOf(s.key))), ...reading.stuck]
    .sort(longestStuckFirst)
    .slice(0, topStuck);
  return { ...snapshot, keys, byState, byFormat, byPattern, oldestStuck };
}

/** Stuck for longer first; an orphan's infinite time sorts first without NaN. */
function longestStuckFirst(a: StuckKey, b: StuckKey): number {
  return a.stuckForSeconds === b.stuckForSeconds ? 0 : b.stuckForSeconds > a.stuckForSeconds ? 1 : -1;
}

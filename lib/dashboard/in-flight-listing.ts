import type { KeyItem } from '../contract/read';
import { examine, type ExaminedKey } from '../records/examine';
import { createKeyFilter } from '../records/key-filter';
import { keyPatternText } from '../records/key-patterns';
import { keyMatchesSearch, type KeySearch } from '../records/glob';
import { inFlightIndexKeys, type IndexPosition } from '../stores/redis/in-flight-pages';
import type { DashboardDeps } from './deps';

/** Members read per step at least: one script call per index and one peek, whatever the page size asked. */
const MIN_STEP = 100;

export interface InFlightListingQuery {
  state: 'processing' | 'stuck';
  search?: KeySearch;
  limit: number;
}

export interface InFlightListingPage {
  items: KeyItem[];
  /** Members passed (read from the index), whether listed or not. */
  examined: number;
  /** The last member passed; null when the walk reached the end of the index. */
  next: IndexPosition | null;
  readAtMs: number;
}

/**
 * A page of processing or stuck keys of the patterns declared `=idemscope`
 * (`patterns`: their indexes), read from the library's in-flight index
 * rather than by a scan: members oldest first after `after`, each member's key
 * read once (pipelined PTTL + GETRANGE) and classified like a scanned key.
 * A member whose key has gone, or holds no claim in flight any more, is
 * passed over and left for the library's pruner (a read never deletes).
 * Processing claims are younger than the stuck threshold, so that listing
 * starts at the threshold's claim time; stuck ones include claims whose lease
 * ran out sooner, so that listing walks every member. At most `budget`
 * members are read per request, whatever `limit` asks; `item` applies the
 * listing's other filters (consumer, time window) to each classified key and
 * gives its row, or null.
 */
export async function listFromInFlightIndex(
  deps: Pick<DashboardDeps, 'config' | 'redis' | 'now'>,
  q: InFlightListingQuery,
  patterns: readonly number[],
  after: IndexPosition | null,
  item: (entry: ExaminedKey, pattern: string) => KeyItem | null,
): Promise<InFlightListingPage> {
  const { config } = deps;
  const filter = createKeyFilter(config.keyPatterns, config.statsPrefix);
  const indexes = inFlightIndexKeys(config.statsPrefix, deps.redis.counterTags);
  const budget = config.keysExaminedPerRequest;
  const nowMs = deps.now();
  let position = after;
  if (q.state === 'processing') {
    // A claim made at or before this time is stuck by age (its score is its claim time).
    const floor = nowMs - config.stuckAfterSeconds * 1000;
    if (position === null || position.score < floor) position = { score: floor, member: null };
  }

  const items: KeyItem[] = [];
  let examined = 0;
  let ended = false;
  while (!ended && items.length < q.limit && examined < budget) {
    const step = Math.min(budget - examined, Math.max(q.limit, MIN_STEP));
    const page = await deps.redis.inFlightPage(indexes, position, null, step);
    ended = page.length < step;
    const ours = page.filter((m) => patterns.includes(filter.patternOf(m.key)) && (q.search === undefined || keyMatchesSearch(m.key, q.search)));
    const peeks = await deps.redis.keyspace.peek(
      ours.map((m) => m.key),
      config.headBytes,
    );
    const entries = await examine(peeks, config.headBytes, nowMs, config, () => 'idemscope', deps.redis.keyspace.follow);
    const byKey = new Map(entries.map((e) => [e.key, e]));
    for (const member of page) {
      if (items.length >= q.limit) {
        ended = false;
        break;
      }
      examined++;
      position = { score: member.score, member: member.key };
      const entry = byKey.get(member.key);
      const row = entry && entry.state === q.state ? item(entry, keyPatternText(config.keyPatterns[filter.patternOf(member.key)]!)) : null;
      if (row) items.push(row);
    }
  }
  return { items, examined, next: ended ? null : position, readAtMs: nowMs };
}

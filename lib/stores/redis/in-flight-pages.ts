import { inFlightIndexKey } from '../../idempotency/stats-keys';
import { companionKey } from '../../idempotency/stores/redis-layout';
import type { RedisClient } from './connection';
import { whenWrongType } from './key-reads';
import { IN_FLIGHT_PAGE } from './scripts';

/** A member of the library's in-flight index: a record key and its claim time (ms, Redis's clock). */
export interface IndexEntry {
  key: string;
  score: number;
}

/**
 * Where a walk of the index stands: after `member` at `score`, or with
 * member null after every member of that score (a claim time bound).
 */
export interface IndexPosition {
  score: number;
  member: string | null;
}

/** The index's own order: by score, then bytewise by member, as Redis orders a sorted set. */
export function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return a.score - b.score || Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
}

/** The library's in-flight indexes: one untagged set on a single node ([''] as tags), one per slot group on a cluster. */
export function inFlightIndexKeys(statsPrefix: string, tags: readonly string[]): string[] {
  return tags.map((tag) => companionKey(inFlightIndexKey(statsPrefix), tag));
}

/**
 * The next `limit` members after `after` (from the oldest when null) with a
 * score of at most `maxScore` (no bound when null), over every index: each
 * set is asked for `limit` in one script call (IN_FLIGHT_PAGE), all sent at
 * once, and the replies merged in the index's order; the first `limit` of the
 * merge are exactly the first `limit` of the union. Fewer than `limit`
 * means the walk has reached the end. Reads only; unguarded (the callers
 * guard it).
 */
export function inFlightPageReader(client: RedisClient) {
  return async (indexKeys: readonly string[], after: IndexPosition | null, maxScore: number | null, limit: number): Promise<IndexEntry[]> => {
    const count = Math.max(1, Math.floor(limit));
    const args = [after === null ? '-inf' : String(after.score), after?.member ?? '', maxScore === null ? '' : String(maxScore), String(count)];
    const replies = await Promise.all(
      indexKeys.map((key) => IN_FLIGHT_PAGE.run(client, [key], args).catch(whenWrongType([] as unknown[]))),
    );
    const entries: IndexEntry[] = [];
    for (const reply of replies) {
      if (!Array.isArray(reply) || reply.length % 2 !== 0) throw new Error('the in-flight index page came back malformed');
      for (let i = 0; i < reply.length; i += 2) {
        const score = Number(reply[i + 1]);
        if (!Number.isFinite(score)) throw new Error(`an in-flight index score was ${String(reply[i + 1])}`);
        entries.push({ key: String(reply[i]), score });
      }
    }
    if (indexKeys.length > 1) entries.sort(compareEntries);
    return entries.slice(0, count);
  };
}

export type InFlightPageReader = ReturnType<typeof inFlightPageReader>;

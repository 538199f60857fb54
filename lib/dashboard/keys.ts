import { examine, type ExaminedKey } from '../records/examine';
import { createKeyFilter } from '../records/key-filter';
import { readerOf } from '../records/formats';
import { keyPatternText } from '../records/key-patterns';
import { keyMatchesSearch, searchMatch, type KeySearch } from '../records/glob';
import type { RecordState } from '../records/states';
import { inWindow, keyInstant, type TimeWindow } from '../records/time-window';
import type { KeyItem, KeysPage } from '../contract/read';
import { decodeCursor, encodeCursor, keysCursorSchema, type KeysCursor } from './cursor';
import type { DashboardDeps } from './deps';
import { InvalidParameterError } from '../errors';

export interface KeysQuery {
  state?: RecordState;
  /** One of the configured patterns (the glob or the whole `pattern=format` entry); all of them when absent. */
  pattern?: string;
  /** Exact consumer, where the format records one. */
  consumer?: string;
  /** Keys claimed (or expiring) in this window; keys of unknown age (or without TTL) are left out. */
  between?: TimeWindow;
  /** Keys starting with, or holding, the text (SCAN MATCH with the text escaped, checked again on each key). */
  search?: KeySearch;
  cursor?: string;
  limit: number;
}

function keyFilter(q: KeysQuery, nowMs: number): (entry: ExaminedKey) => boolean {
  return (entry) =>
    (q.state === undefined || entry.state === q.state) &&
    (q.search === undefined || keyMatchesSearch(entry.key, q.search)) &&
    (q.consumer === undefined || entry.decoded.consumer === q.consumer) &&
    (q.between === undefined || inWindow(keyInstant(nowMs, q.between.on, entry), q.between));
}

export function toKeyItem(entry: ExaminedKey, pattern: string | null): KeyItem {
  return {
    key: entry.key,
    pattern,
    state: entry.state,
    format: entry.format,
    ttlSeconds: entry.ttlSeconds,
    ageSeconds: entry.ageSeconds,
    owner: entry.decoded.owner,
    consumer: entry.decoded.consumer,
    noExpiry: entry.noExpiry,
    stuckReason: entry.stuckReason,
    nativeState: entry.decoded.nativeState,
    releasable: readerOf(entry.decoded.format)?.releasable(entry.decoded, entry) ?? false,
  };
}

/**
 * A page of dedup keys, found by a live SCAN. The work per request is
 * bounded: at most keysExaminedPerRequest keys examined, in at most
 * keysExaminedPerRequest / scanCount SCAN steps, so a page can be short,
 * even empty, and still carry a cursor; the cursor
 * holds the pattern, the SCAN cursor of the batch and the offset into it.
 */
export async function listKeys(deps: DashboardDeps, q: KeysQuery): Promise<KeysPage> {
  const { config } = deps;
  const patterns = config.keyPatterns;
  const only = q.pattern === undefined ? null : patterns.findIndex((p) => p.pattern === q.pattern || keyPatternText(p) === q.pattern);
  if (only === -1) throw new InvalidParameterError('pattern', `not a configured pattern; one of ${patterns.map((p) => JSON.stringify(keyPatternText(p))).join(', ')}`);
  const filter = createKeyFilter(patterns, config.statsPrefix);
  const count = Math.max(1, Math.min(config.scanCount, config.keysExaminedPerRequest));
  let at: KeysCursor | null = q.cursor ? decodeCursor(q.cursor, keysCursorSchema) : { p: only ?? 0, c: '0', o: 0, n: count };
  // The COUNT a request sends is this server's, whatever the cursor says.
  at.n = Math.min(at.n, count);
  if (at.p >= patterns.length || (only !== null && at.p !== only)) throw new InvalidParameterError('cursor', 'belongs to another listing');

  const items: KeyItem[] = [];
  const wanted = keyFilter(q, deps.now());
  let examined = 0;
  let steps = Math.max(1, Math.ceil(config.keysExaminedPerRequest / count));
  let scanned = 0;
  while (at && steps-- > 0 && items.length < q.limit && examined < config.keysExaminedPerRequest) {
    const { pattern, format } = patterns[at.p]!;
    const match = q.search ? searchMatch(pattern, q.search) : pattern;
    if (match === null) {
      // No key of this pattern can start with the text: nothing to scan.
      at = only === null && at.p + 1 < patterns.length ? { p: at.p + 1, c: '0', o: 0, n: count } : null;
      continue;
    }
    const batch = await deps.redis.keyspace.scan(match, at.c, at.n);
    // With MATCH, a step walks about COUNT keys of the database and returns only the matches.
    if (at.o === 0) scanned += at.n;
    // COUNT is only a hint: one SCAN reply may hold more keys than asked for, and the rest wait for the next page.
    const keys = batch.keys.slice(at.o, at.o + config.keysExaminedPerRequest - examined);
    // A key that does not hold the searched text is never peeked: the search costs Redis the SCAN and nothing more.
    const owned = keys.filter((key) => filter.owns(at!.p, key) && (q.search === undefined || keyMatchesSearch(key, q.search)));
    const peeks = await deps.redis.keyspace.peek(owned, config.headBytes);
    const entries = await examine(peeks, config.headBytes, deps.now(), config, () => format, deps.redis.keyspace.follow);
    const byKey = new Map(entries.map((e) => [e.key, e]));

    let used = 0;
    for (const key of keys) {
      if (items.length >= q.limit) break;
      used++;
      const entry = byKey.get(key);
      if (entry && wanted(entry)) items.push(toKeyItem(entry, keyPatternText(patterns[at.p]!)));
    }
    examined += used;
    if (at.o + used < batch.keys.length) at = { ...at, o: at.o + used };
    else if (batch.cursor !== '0') at = { p: at.p, c: batch.cursor, o: 0, n: count };
    else if (only === null && at.p + 1 < patterns.length) at = { p: at.p + 1, c: '0', o: 0, n: count };
    else at = null;
  }
  return { items, nextCursor: at ? encodeCursor(at) : null, examined, ...(q.search ? { scanned } : {}) };
}

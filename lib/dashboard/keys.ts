import { examine, type ExaminedKey } from '../records/examine';
import { createKeyFilter } from '../records/key-filter';
import { readerOf } from '../records/formats';
import { indexedPatterns, keyPatternText, type KeyPattern } from '../records/key-patterns';
import { keyMatchesSearch, searchMatch, type KeySearch } from '../records/glob';
import type { RecordState } from '../records/states';
import { inWindow, keyInstant, type TimeWindow } from '../records/time-window';
import type { KeyItem, KeysPage } from '../contract/read';
import { decodeCursor, encodeCursor, keyListingCursorSchema, type KeysCursor } from './cursor';
import { listFromInFlightIndex } from './in-flight-listing';
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
 * A page of dedup keys. Processing and stuck keys of patterns declared
 * `=idemscope` are read from the library's in-flight index
 * (in-flight-listing.ts), first; every other pattern (and every other state)
 * by a live SCAN. A page comes from one source only, and says which. The work
 * per request is bounded: at most keysExaminedPerRequest keys examined, in at
 * most keysExaminedPerRequest / scanCount SCAN steps, so a page can be short,
 * even empty, and still carry a cursor; a SCAN cursor holds the pattern, the
 * SCAN cursor of the batch and the offset into it, an index cursor the last
 * member passed.
 */
export async function listKeys(deps: Pick<DashboardDeps, 'config' | 'redis' | 'now'>, q: KeysQuery): Promise<KeysPage> {
  const { config } = deps;
  const patterns = config.keyPatterns;
  const only = q.pattern === undefined ? null : patterns.findIndex((p) => p.pattern === q.pattern || keyPatternText(p) === q.pattern);
  if (only === -1) throw new InvalidParameterError('pattern', `not a configured pattern; one of ${patterns.map((p) => JSON.stringify(keyPatternText(p))).join(', ')}`);
  const inFlight = q.state === 'processing' || q.state === 'stuck' ? q.state : null;
  const indexed = inFlight ? indexedPatterns(patterns).filter((i) => only === null || i === only) : [];
  // The patterns left to SCAN, in order.
  const scanned = patterns.map((_, i) => i).filter((i) => (only === null || i === only) && !indexed.includes(i));
  const count = Math.max(1, Math.min(config.scanCount, config.keysExaminedPerRequest));
  const scanStart = (): KeysCursor | null => (scanned.length ? { p: scanned[0]!, c: '0', o: 0, n: count } : null);
  const cursor = q.cursor ? decodeCursor(q.cursor, keyListingCursorSchema) : null;

  if (cursor ? 's' in cursor : indexed.length > 0) {
    if (!inFlight || indexed.length === 0) throw new InvalidParameterError('cursor', 'belongs to another listing');
    const after = cursor && 's' in cursor ? { score: cursor.s, member: cursor.m } : null;
    const wanted = keyFilter(q, deps.now());
    const page = await listFromInFlightIndex(deps, { state: inFlight, search: q.search, limit: q.limit }, indexed, after, (entry, pattern) =>
      wanted(entry) ? toKeyItem(entry, pattern) : null,
    );
    const next = page.next ? { s: page.next.score, m: page.next.member! } : scanStart();
    return {
      items: page.items,
      nextCursor: next ? encodeCursor(next) : null,
      examined: page.examined,
      source: 'in-flight-index',
      readAt: new Date(page.readAtMs).toISOString(),
    };
  }
  const at = cursor && !('s' in cursor) ? cursor : scanStart();
  if (at && !scanned.includes(at.p)) throw new InvalidParameterError('cursor', 'belongs to another listing');
  return scanKeys(deps, q, patterns, scanned, at, count);
}

async function scanKeys(deps: Pick<DashboardDeps, 'config' | 'redis' | 'now'>, q: KeysQuery, patterns: readonly KeyPattern[], order: number[], start: KeysCursor | null, count: number): Promise<KeysPage> {
  const { config } = deps;
  const filter = createKeyFilter(patterns, config.statsPrefix);
  let at = start;
  // The COUNT a request sends is this server's, whatever the cursor says.
  if (at) at.n = Math.min(at.n, count);
  const nextPattern = (p: number): KeysCursor | null => {
    const next = order[order.indexOf(p) + 1];
    return next === undefined ? null : { p: next, c: '0', o: 0, n: count };
  };

  const items: KeyItem[] = [];
  const nowMs = deps.now();
  const wanted = keyFilter(q, nowMs);
  let examined = 0;
  let steps = Math.max(1, Math.ceil(config.keysExaminedPerRequest / count));
  let scanned = 0;
  while (at && steps-- > 0 && items.length < q.limit && examined < config.keysExaminedPerRequest) {
    const { pattern, format } = patterns[at.p]!;
    const match = q.search ? searchMatch(pattern, q.search) : pattern;
    if (match === null) {
      // No key of this pattern can start with the text: nothing to scan.
      at = nextPattern(at.p);
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
    else at = nextPattern(at.p);
  }
  return { items, nextCursor: at ? encodeCursor(at) : null, examined, scanned, source: 'scan', readAt: new Date(nowMs).toISOString() };
}

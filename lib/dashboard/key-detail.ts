import { examine, examineKey, headText } from '../records/examine';
import { explainState, formatReason } from '../records/explain';
import { createKeyFilter } from '../records/key-filter';
import { readerOf } from '../records/formats';
import { keyPatternText } from '../records/key-patterns';
import type { KeyDetail } from '../contract/read';
import type { DashboardDeps } from './deps';
import { NotFoundError } from '../errors';
import { iso, payloadMismatch, viewOfText } from './records-view';

export interface KeyDetailQuery {
  /** A payload fingerprint to compare with the stored one. */
  fingerprint?: string;
}

/**
 * One dedup key, read with a bounded GETRANGE. Keys outside the configured
 * patterns (and the stats counters) are answered as not found: the dashboard
 * is no general-purpose Redis browser.
 */
export async function getKeyDetail(deps: DashboardDeps, key: string, q: KeyDetailQuery = {}): Promise<KeyDetail | null> {
  const { config } = deps;
  const patternIndex = createKeyFilter(config.keyPatterns, config.statsPrefix).patternOf(key);
  if (patternIndex < 0) return null;
  const pattern = config.keyPatterns[patternIndex]!;
  const found = await deps.redis.inspect(key, config.detailBytes);
  if (!found) return null;

  // Classified from the same first bytes (and the same followed pointers) the scanner and the listing read, so all views agree.
  // A helper key (a Powertools lock), which listings skip, is still shown when asked for by name.
  const [followed] = await examine([found.peek], config.headBytes, deps.now(), config, () => pattern.format, deps.redis.keyspace.follow);
  const classified = followed ?? examineKey(found.peek, config.headBytes, deps.now(), config, pattern.format);
  const decoded = classified.decoded;
  const shown = headText(found.peek, config.detailBytes);
  const view = viewOfText(shown?.text ?? null, shown?.truncated ?? false, config.maskFields);

  return {
    key,
    pattern: keyPatternText(pattern),
    state: classified.state,
    format: classified.format,
    formatReason: formatReason(pattern, decoded),
    stuckReason: classified.stuckReason,
    nativeState: decoded.nativeState,
    explanation: explainState(classified, decoded),
    pointer: decoded.pointer,
    releasable: readerOf(decoded.format)?.releasable(decoded, classified) ?? false,
    ttlSeconds: classified.ttlSeconds,
    ageSeconds: classified.ageSeconds,
    owner: decoded.owner,
    consumer: decoded.consumer,
    noExpiry: classified.noExpiry,
    redisType: found.type,
    value: view.value,
    valueEncoding: view.valueEncoding,
    valueTruncated: shown?.truncated ?? false,
    valueBytes: found.peek.bytes,
    maskedPaths: view.maskedPaths,
    startedAt: iso(decoded.startedAtMs),
    completedAt: iso(decoded.completedAtMs),
    leaseExpiresAt: iso(decoded.leaseExpiresAtMs),
    expiresAt: iso(decoded.expiresAtMs),
    attempts: null,
    duplicates: null,
    fingerprint: decoded.fingerprint,
    payloadMismatch: payloadMismatch(decoded.fingerprint, q.fingerprint),
  };
}

export async function requireKeyDetail(deps: DashboardDeps, key: string, q: KeyDetailQuery = {}): Promise<KeyDetail> {
  const detail = await getKeyDetail(deps, key, q);
  if (!detail) throw new NotFoundError('key', key);
  return detail;
}

import { examineKey, headText } from '../records/examine';
import { createKeyFilter } from '../records/key-filter';
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
  const found = await deps.redis.inspect(key, config.detailBytes);
  if (!found) return null;

  // Classified from the same first bytes the scanner and the listing read, so all views agree.
  const classified = examineKey(found.peek, config.headBytes, deps.now(), config);
  const decoded = classified.decoded;
  const shown = headText(found.peek, config.detailBytes);
  const view = viewOfText(shown?.text ?? null, shown?.truncated ?? false, config.maskFields);

  return {
    key,
    pattern: config.keyPatterns[patternIndex] ?? null,
    state: classified.state,
    format: classified.format,
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

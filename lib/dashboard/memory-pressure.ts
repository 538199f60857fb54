/** used_memory at or above this share of maxmemory is "near" it. */
export const MEMORY_WARNING_RATIO = 0.9;

/**
 * What a dedup store's operator must know when Redis is near maxmemory:
 * under noeviction new claims fail (the services' dedup stops working);
 * under an allkeys-* policy Redis evicts dedup keys, so duplicates get
 * through; under a volatile-* policy keys with a TTL (most dedup keys) go
 * first. Null when there is no limit or it is not near.
 */
export function memoryWarning(usedBytes: number | null, maxBytes: number | null, policy: string | null): string | null {
  if (usedBytes === null || !maxBytes || usedBytes < maxBytes * MEMORY_WARNING_RATIO) return null;
  const share = `Redis uses ${Math.round((usedBytes / maxBytes) * 100)} % of maxmemory`;
  if (!policy || policy === 'noeviction') return `${share} (policy noeviction): new claims fail, so messages cannot be claimed or deduplicated`;
  if (policy.startsWith('allkeys-')) return `${share} (policy ${policy}): Redis evicts dedup keys, so duplicates get through`;
  if (policy.startsWith('volatile-')) return `${share} (policy ${policy}): Redis evicts keys with a TTL, dedup keys among them, so duplicates get through`;
  return `${share} (policy ${policy})`;
}

/**
 * Where the library's delivery counters live in Redis. They sit under their
 * own prefix (default `idemscope:stats:`), outside IDEMSCOPE_KEY_PATTERNS, so
 * the dashboard never takes them for dedup keys.
 *
 * One hash per time bucket; each field is `<consumer>|<counter>`. Minute
 * buckets serve the 1 h and 24 h views, hour buckets the 7 d view.
 */
export const DEFAULT_STATS_PREFIX = 'idemscope:stats:';

export const COUNTERS = ['deliveries', 'first', 'duplicates', 'inProgress', 'failures', 'releases'] as const;
export type Counter = (typeof COUNTERS)[number];

export type Granularity = 'm' | 'h';

export const BUCKET_SECONDS: Record<Granularity, number> = { m: 60, h: 3600 };

/** How long each bucket hash is kept. */
export const BUCKET_TTL_SECONDS: Record<Granularity, number> = { m: 2 * 86400, h: 8 * 86400 };

export function bucketStart(epochMs: number, granularity: Granularity): number {
  const size = BUCKET_SECONDS[granularity];
  return Math.floor(epochMs / 1000 / size) * size;
}

export function statsKey(prefix: string, granularity: Granularity, bucketStartSeconds: number): string {
  return `${prefix}${granularity}:${bucketStartSeconds}`;
}

export function statsField(consumer: string, counter: Counter): string {
  return `${consumer}|${counter}`;
}

/** Splits a hash field back into consumer and counter; consumers may contain `|`. */
export function parseStatsField(field: string): { consumer: string; counter: Counter } | null {
  const at = field.lastIndexOf('|');
  if (at <= 0) return null;
  const counter = field.slice(at + 1) as Counter;
  return COUNTERS.includes(counter) ? { consumer: field.slice(0, at), counter } : null;
}

/**
 * The sorted set of the library's in-flight claims (score: the claim's time
 * in ms by the Redis server's clock, member: the record's full Redis key),
 * under the stats prefix so that it is never taken for a dedup key. Every
 * script gets it as a KEYS entry and none builds its name, so this is the one
 * place that decides it (Redis Cluster can give it a hash tag here).
 */
export function inFlightIndexKey(statsPrefix: string): string {
  return `${statsPrefix}in-flight`;
}

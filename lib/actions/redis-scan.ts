import type { Redis } from 'ioredis';
import { globToRegExp } from '../records/glob';
import type { ActionConfig } from './config';

/** Keys one preview may look at before it stops and says it is incomplete. */
export const SCAN_BUDGET = 1_000_000;

export interface ScanOutcome {
  examined: number;
  /** Every pattern was scanned to the end. */
  complete: boolean;
}

/** Whether an action may touch the key at all: under a configured pattern, never a counter hash. */
export function keyMatcher(config: ActionConfig): (key: string) => boolean {
  const patterns = config.keyPatterns.map(globToRegExp);
  return (key) => !key.startsWith(config.statsPrefix) && patterns.some((p) => p.test(key));
}

/**
 * SCANs each configured pattern with COUNT bounded by IDEMSCOPE_SCAN_COUNT,
 * handing each batch to `visit` until it returns true (enough found), the
 * patterns are exhausted, or `budget` keys were examined. A key matching two
 * patterns is visited once, under the first.
 */
export async function scanPatterns(
  redis: Redis,
  config: ActionConfig,
  visit: (keys: string[]) => Promise<boolean>,
  budget = SCAN_BUDGET,
): Promise<ScanOutcome> {
  const earlier = config.keyPatterns.map(globToRegExp);
  let examined = 0;
  for (const [index, pattern] of config.keyPatterns.entries()) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', config.scanCount);
      cursor = next;
      examined += keys.length;
      const own = keys.filter((key) => !key.startsWith(config.statsPrefix) && !earlier.slice(0, index).some((p) => p.test(key)));
      if (own.length && (await visit(own))) return { examined, complete: false };
      if (examined >= budget) return { examined, complete: false };
    } while (cursor !== '0');
  }
  return { examined, complete: true };
}

import { globToRegExp } from './glob';

/**
 * Decides which configured pattern a key is counted under. Patterns may
 * overlap (`idempotency:*` and `*#*` both match `idempotency:fn#h`), so a key
 * belongs to the first pattern that matches it; keys under the stats prefix
 * are the library's counters, never dedup records.
 */
export interface KeyFilter {
  patterns: readonly string[];
  /** True when the key, returned by SCAN for pattern `index`, is counted there. */
  owns(index: number, key: string): boolean;
  /** The pattern a key is counted under; -1 when it is no dedup key (no match, or a stats key). */
  patternOf(key: string): number;
}

export function createKeyFilter(patterns: readonly string[], statsPrefix: string): KeyFilter {
  const compiled = patterns.map(globToRegExp);
  return {
    patterns,
    owns(index, key) {
      if (statsPrefix && key.startsWith(statsPrefix)) return false;
      for (let j = 0; j < index; j++) if (compiled[j]!.test(key)) return false;
      return true;
    },
    patternOf(key) {
      if (statsPrefix && key.startsWith(statsPrefix)) return -1;
      return compiled.findIndex((re) => re.test(key));
    },
  };
}

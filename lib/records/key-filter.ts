import { globToRegExp } from './glob';
import type { KeyPattern } from './key-patterns';
import type { KeyFormat } from './states';

/**
 * Decides which configured pattern a key is counted under. Patterns may
 * overlap (`idempotency:*` and `*#*` both match `idempotency:fn#h`), so a key
 * belongs to the first pattern that matches it; keys under the stats prefix
 * are the library's counters, never dedup records.
 */
export interface KeyFilter {
  patterns: readonly KeyPattern[];
  /** True when the key, returned by SCAN for pattern `index`, is counted there. */
  owns(index: number, key: string): boolean;
  /** The pattern a key is counted under; -1 when it is no dedup key (no match, or a stats key). */
  patternOf(key: string): number;
  /** The format of the pattern the key is counted under; null when it is no dedup key. */
  formatOf(key: string): KeyFormat | null;
}

export function createKeyFilter(patterns: readonly KeyPattern[], statsPrefix: string): KeyFilter {
  const compiled = patterns.map((p) => globToRegExp(p.pattern));
  const patternOf = (key: string) => {
    if (statsPrefix && key.startsWith(statsPrefix)) return -1;
    return compiled.findIndex((re) => re.test(key));
  };
  return {
    patterns,
    owns(index, key) {
      if (statsPrefix && key.startsWith(statsPrefix)) return false;
      for (let j = 0; j < index; j++) if (compiled[j]!.test(key)) return false;
      return true;
    },
    patternOf,
    formatOf(key) {
      const index = patternOf(key);
      return index < 0 ? null : patterns[index]!.format;
    },
  };
}

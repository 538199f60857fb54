import { KEY_FORMATS, type KeyFormat } from './states';

/** One IDEMSCOPE_KEY_PATTERNS entry: a SCAN MATCH glob and the format its keys are read as. */
export interface KeyPattern {
  pattern: string;
  format: KeyFormat;
  /** Whether the entry named its format (`pattern=format`); a bare pattern is `auto`. */
  declared: boolean;
}

/** The default: the seed's layout, `idempotency:*`, whose values are the plain recipe's. */
export const DEFAULT_KEY_PATTERNS = 'idempotency:*=plain';

/** An entry that cannot be read; `entry` is quoted back as given. */
export class KeyPatternError extends Error {
  override readonly name = 'KeyPatternError';
  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(`entry ${JSON.stringify(entry)}: ${reason}`);
  }
}

/**
 * `pattern` or `pattern=format`. The format follows the last `=`, so a glob
 * may hold `=` as long as it then declares its format.
 */
export function parseKeyPattern(entry: string): KeyPattern {
  const at = entry.lastIndexOf('=');
  const pattern = (at < 0 ? entry : entry.slice(0, at)).trim();
  if (pattern === '') throw new KeyPatternError(entry, 'has no pattern before the format');
  // Stryker disable next-line EqualityOperator: at === 0 leaves no pattern, refused just above.
  if (at < 0) return { pattern, format: 'auto', declared: false };
  const format = entry.slice(at + 1).trim();
  if (!(KEY_FORMATS as readonly string[]).includes(format)) {
    throw new KeyPatternError(entry, `unknown format ${JSON.stringify(format)}; one of ${KEY_FORMATS.join(', ')}`);
  }
  return { pattern, format: format as KeyFormat, declared: true };
}

/** A comma-separated list or its entries; throws on the first bad entry, naming it. */
export function parseKeyPatterns(entries: string | readonly string[]): KeyPattern[] {
  const list = typeof entries === 'string' ? entries.split(',') : entries;
  return list.filter((e) => e.trim() !== '').map(parseKeyPattern);
}

/** The entry as it would be written in IDEMSCOPE_KEY_PATTERNS. */
export function keyPatternText(p: KeyPattern): string {
  return p.declared ? `${p.pattern}=${p.format}` : p.pattern;
}

/**
 * Indexes of the patterns whose in-flight claims the dashboard reads from the
 * library's in-flight index rather than by a scan: those declared `=idemscope`.
 */
export function indexedPatterns(patterns: readonly KeyPattern[]): number[] {
  return patterns.flatMap((p, i) => (p.format === 'idemscope' ? [i] : []));
}

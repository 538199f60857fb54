import type { KeySearch } from '../../records/glob';
import { sql, type Sql } from './sql';

/** The text as a LIKE pattern that matches it literally: `\`, `%` and `_` escaped (LIKE's default escape is `\`). */
export function likePattern(search: KeySearch): string {
  const literal = search.text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return search.mode === 'prefix' ? `${literal}%` : `%${literal}%`;
}

/** Rows whose key, as text, starts with or holds the text. */
export function keyTextPredicate(keyText: Sql, search: KeySearch): Sql {
  return sql`(${keyText} LIKE ${likePattern(search)})`;
}

/**
 * The uuids a prefix can start: from the prefix's hex digits padded with 0s
 * to the same padded with fs. A range the primary key answers; null when
 * the prefix holds anything but hex digits and hyphens (no uuid starts so).
 */
export function uuidPrefixRange(prefix: string): { lo: string; hi: string } | null {
  const text = prefix.toLowerCase();
  if (!/^[0-9a-f-]*$/.test(text)) return null;
  const hex = text.replace(/-/g, '');
  if (hex.length > 32) return null;
  const format = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return { lo: format(hex.padEnd(32, '0')), hi: format(hex.padEnd(32, 'f')) };
}

/**
 * A search on a uuid key column: a prefix is the primary key's range (the
 * index narrows the walk) plus the literal check; a substring can only be
 * checked on the rows the bounded walk reads. `range` null: nothing to narrow;
 * `none`: no row can match.
 */
export function uuidSearch(column: Sql, search: KeySearch): { range: Sql | null; filter: Sql; none: boolean } {
  const text = { ...search, text: search.text.toLowerCase() };
  const filter = keyTextPredicate(sql`${column}::text`, text);
  if (search.mode !== 'prefix') return { range: null, filter, none: false };
  const bounds = uuidPrefixRange(text.text);
  if (!bounds) return { range: null, filter, none: true };
  return { range: sql`(${column} BETWEEN ${bounds.lo}::uuid AND ${bounds.hi}::uuid)`, filter, none: false };
}

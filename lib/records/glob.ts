/**
 * Redis's MATCH glob (`*`, `?`, `[abc]`, `[^a-z]`, `\x`) as a RegExp. The
 * scanner needs it to count a key only once when several configured patterns
 * match it, and to tell stats keys apart; the actions need it to refuse keys
 * outside the patterns. Redis offers no command for either, so this follows
 * Redis's own matcher (stringmatchlen in util.c) case by case, odd patterns
 * included, and tests/stores/glob-parity.test.ts holds it to Redis. Keys are
 * compared as JavaScript strings: a class or range of non-ASCII characters is
 * read per character where Redis reads bytes.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const charClass = readClass(glob, i + 1);
      out += charClass.source;
      i = charClass.end;
    } else if (c === '\\' && i + 1 < glob.length) out += escape(glob[++i]!);
    else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

export function globMatches(glob: string, key: string): boolean {
  return globToRegExp(glob).test(key);
}

/**
 * A class as Redis reads it from just after its `[`: it ends at the first
 * unescaped `]`, even one right after the `[` (an empty class, which matches
 * nothing), or else at the end of the pattern; `x-y` is a range whatever y is
 * (`]` included) and in either order. `end` is the index of the closing `]`,
 * or the last index of the pattern when there is none.
 */
function readClass(glob: string, start: number): { source: string; end: number } {
  let i = start;
  const negate = glob[i] === '^';
  if (negate) i++;
  let members = '';
  for (; i < glob.length && glob[i] !== ']'; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) members += escapeInClass(glob[++i]!);
    else if (glob[i + 1] === '-' && i + 2 < glob.length) {
      const [lo, hi] = [c, glob[i + 2]!].sort();
      members += `${escapeInClass(lo!)}-${escapeInClass(hi!)}`;
      i += 2;
    } else members += escapeInClass(c);
  }
  const end = Math.min(i, glob.length - 1);
  if (members === '') return { source: negate ? '[\\s\\S]' : '(?!)', end };
  return { source: `[${negate ? '^' : ''}${members}]`, end };
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeInClass(c: string): string {
  return c.replace(/[\]\\^-]/g, '\\$&');
}

/** The user's text with Redis's glob metacharacters escaped, so that it matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export interface KeySearch {
  text: string;
  mode: 'prefix' | 'substring';
}

export function keyMatchesSearch(key: string, search: KeySearch): boolean {
  return search.mode === 'prefix' ? key.startsWith(search.text) : key.includes(search.text);
}

/**
 * The SCAN MATCH that finds the keys of a configured pattern holding the
 * text, or null when no key of the pattern can (a prefix that leaves the
 * pattern's fixed start). For a pattern that is a literal and one trailing
 * `*` (`idempotency:*`, the common case) the text goes into the glob, so
 * Redis sends back only candidates; otherwise, and when the text may run
 * across the literal's end, the pattern itself. The caller checks every key
 * against the text anyway (keyMatchesSearch).
 */
export function searchMatch(pattern: string, search: KeySearch): string | null {
  const literal = pattern.endsWith('*') && !/[*?[\]\\]/.test(pattern.slice(0, -1)) ? pattern.slice(0, -1) : null;
  if (literal === null) return pattern;
  const text = search.text;
  if (search.mode === 'prefix') {
    if (text.startsWith(literal)) return escapeGlob(text) + '*';
    return literal.startsWith(text) ? pattern : null;
  }
  const straddles = literal.includes(text) || [...Array(literal.length).keys()].some((i) => text.startsWith(literal.slice(i)));
  return straddles ? pattern : `${literal}*${escapeGlob(text)}*`;
}

/**
 * Redis's MATCH glob (`*`, `?`, `[abc]`, `[^a-z]`, `\x`) as a RegExp. The
 * scanner needs it to count a key only once when several configured patterns
 * match it, and to tell stats keys apart; Redis offers no command for that.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < glob.length) out += escape(glob[++i]!);
    else if (c === '[') {
      const end = classEnd(glob, i);
      if (end < 0) out += '\\[';
      else {
        out += charClass(glob.slice(i + 1, end));
        i = end;
      }
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

export function globMatches(glob: string, key: string): boolean {
  return globToRegExp(glob).test(key);
}

function classEnd(glob: string, start: number): number {
  for (let j = start + 1; j < glob.length; j++) {
    if (glob[j] === '\\') j++;
    else if (glob[j] === ']' && j > start + 1) return j;
  }
  return -1;
}

function charClass(body: string): string {
  let negate = false;
  let i = 0;
  if (body[0] === '^') {
    negate = true;
    i = 1;
  }
  let out = '';
  for (; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) out += escapeInClass(body[++i]!);
    else if (body[i + 1] === '-' && i + 2 < body.length) {
      const [lo, hi] = [c, body[i + 2]!].sort();
      out += `${escapeInClass(lo!)}-${escapeInClass(hi!)}`;
      i += 2;
    } else out += escapeInClass(c);
  }
  return `[${negate ? '^' : ''}${out}]`;
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeInClass(c: string): string {
  return c.replace(/[\]\\^-]/g, '\\$&');
}

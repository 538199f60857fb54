/**
 * Hides configured fields (IDEMSCOPE_MASK_FIELDS) in stored results before
 * they reach a page. Names match case-insensitively at any depth; the paths
 * that were masked are reported so the UI can say so.
 */
export const MASK = '[masked]';

export interface Masked<T> {
  value: T;
  maskedPaths: string[];
}

export function maskJson(value: unknown, fields: readonly string[]): Masked<unknown> {
  const names = new Set(fields.map((f) => f.toLowerCase()));
  const maskedPaths: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      const childPath = path ? `${path}.${key}` : key;
      if (names.has(key.toLowerCase())) {
        out[key] = MASK;
        maskedPaths.push(childPath);
      } else out[key] = walk(child, childPath);
    }
    return out;
  };
  return { value: walk(value, ''), maskedPaths };
}

/**
 * For text that cannot be parsed (a truncated large value): masks the value
 * of every `"field": …` member, nested objects and a value cut off by the
 * truncation included.
 */
export function maskText(text: string, fields: readonly string[]): Masked<string> {
  if (fields.length === 0) return { value: text, maskedPaths: [] };
  const names = fields.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const member = new RegExp(`"(${names})"\\s*:\\s*`, 'gi');
  const maskedPaths: string[] = [];
  let out = '';
  let from = 0;
  for (let m = member.exec(text); m; m = member.exec(text)) {
    const valueStart = m.index + m[0].length;
    const valueEnd = jsonValueEnd(text, valueStart);
    out += `${text.slice(from, valueStart)}"${MASK}"`;
    maskedPaths.push(m[1]!);
    from = valueEnd;
    member.lastIndex = Math.max(valueEnd, member.lastIndex);
  }
  return { value: out + text.slice(from), maskedPaths };
}

/** End (exclusive) of the JSON value starting at `start`, or the text's end if it is cut off. */
function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === ',' || c === ' ' || c === '\n')) return i;
  }
  return text.length;
}

/**
 * Reading the first bytes of a value only (GETRANGE) keeps the scanner cheap,
 * but a cut-off JSON document cannot be JSON.parse'd. This walks such a prefix
 * once: it says whether the text could be the start of valid JSON, and
 * collects the top-level scalar members seen in full, which is all the
 * classifiers need from a large record.
 */
export type Scalar = string | number | boolean | null;

export interface PrefixScan {
  /** The text is valid JSON or a prefix of some valid JSON text. */
  valid: boolean;
  /** The text is one complete JSON value (possibly with trailing whitespace). */
  complete: boolean;
  /** Scalar members of a top-level object that were seen whole. */
  topLevel: Map<string, Scalar>;
}

type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd' | 'done';

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_CHARS = /^[-+0-9.eE]+/;
const LITERALS: Record<string, Scalar> = { true: true, false: false, null: null };

export function scanJsonPrefix(text: string): PrefixScan {
  const topLevel = new Map<string, Scalar>();
  const stack: string[] = [];
  let expect: Expect = 'value';
  let pendingKey: string | null = null;
  let i = 0;
  const result = (valid: boolean, complete = false): PrefixScan => ({ valid, complete, topLevel });

  const afterValue = (scalar: Scalar | undefined): Expect => {
    if (pendingKey !== null && stack.length === 1 && stack[0] === '{' && scalar !== undefined) topLevel.set(pendingKey, scalar);
    pendingKey = null;
    return stack.length ? 'commaOrEnd' : 'done';
  };

  while (true) {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
    if (i >= text.length) return result(true, expect === 'done');
    const c = text[i]!;
    switch (expect) {
      case 'done':
        return result(false);
      case 'colon':
        if (c !== ':') return result(false);
        i++;
        expect = 'value';
        continue;
      case 'commaOrEnd': {
        const top = stack[stack.length - 1];
        if (c === ',') {
          expect = top === '{' ? 'key' : 'value';
          i++;
        } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
          stack.pop();
          i++;
          expect = afterValue(undefined);
        } else return result(false);
        continue;
      }
      case 'key':
      case 'keyOrEnd': {
        if (c === '}' && expect === 'keyOrEnd') {
          stack.pop();
          i++;
          expect = afterValue(undefined);
          continue;
        }
        if (c !== '"') return result(false);
        const end = stringEnd(text, i);
        if (end < 0) return result(true);
        const key = decodeString(text.slice(i, end + 1));
        if (key === undefined) return result(false);
        pendingKey = stack.length === 1 ? key : null;
        i = end + 1;
        expect = 'colon';
        continue;
      }
      case 'value':
      case 'valueOrEnd': {
        if (c === ']' && expect === 'valueOrEnd') {
          stack.pop();
          i++;
          expect = afterValue(undefined);
          continue;
        }
        if (c === '{' || c === '[') {
          if (stack.length === 1) pendingKey = null;
          stack.push(c);
          i++;
          expect = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
          continue;
        }
        if (c === '"') {
          const end = stringEnd(text, i);
          if (end < 0) return result(true);
          const value = decodeString(text.slice(i, end + 1));
          if (value === undefined) return result(false);
          i = end + 1;
          expect = afterValue(value);
          continue;
        }
        if (c === '-' || (c >= '0' && c <= '9')) {
          const token = NUMBER_CHARS.exec(text.slice(i, i + 64))![0];
          if (i + token.length >= text.length) {
            // A number running to the end is only finished if nothing encloses it.
            return result(/^-?\d*\.?\d*(?:[eE][+-]?\d*)?$/.test(token), stack.length === 0 && NUMBER.test(token));
          }
          if (!NUMBER.test(token)) return result(false);
          i += token.length;
          expect = afterValue(Number(token));
          continue;
        }
        const literal = Object.keys(LITERALS).find((word) => word[0] === c);
        if (!literal) return result(false);
        const seen = text.slice(i, i + literal.length);
        if (seen.length < literal.length) return result(literal.startsWith(seen));
        if (seen !== literal) return result(false);
        i += literal.length;
        expect = afterValue(LITERALS[literal]!);
        continue;
      }
    }
  }
}

/** Index of the closing quote of the string starting at `start`, or -1 if the text ends first. */
function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j;
  }
  return -1;
}

function decodeString(token: string): string | undefined {
  try {
    return JSON.parse(token) as string;
  } catch {
    return undefined;
  }
}

import { scanJsonPrefix, type Scalar } from '../json-prefix';
import type { KeyFormat, RecordFormat } from '../states';
import { bullmq } from './bullmq';
import type { FormatReader } from './format';
import { idemscope } from './idemscope';
import { nodeIdempotency } from './node-idempotency';
import { plain } from './plain';
import { powertools } from './powertools';
import { UNRECOGNIZED, type DecodedRecord, type ScalarFields, type ValueView } from './record';

export type { FormatReader } from './format';

/** Every format, by name. */
export const FORMAT_READERS: Record<Exclude<RecordFormat, 'unknown'>, FormatReader> = {
  plain,
  idemscope,
  powertools,
  'node-idempotency': nodeIdempotency,
  bullmq,
};

/** What `auto` tries, in order: only formats whose values carry a signature of their own. */
const AUTO: readonly FormatReader[] = [idemscope, powertools, nodeIdempotency, plain];

export function readerOf(format: RecordFormat): FormatReader | null {
  return format === 'unknown' ? null : FORMAT_READERS[format];
}

/** The follow-up reads of a format whose records point at others; only such a format decodes a `pointer`. */
export function followerOf(record: DecodedRecord): NonNullable<FormatReader['follow']> {
  const follow = readerOf(record.format)?.follow;
  if (!follow) throw new Error(`format ${record.format} has no pointers to follow`);
  return follow;
}

/** A value's view, parsing its JSON at most once however many formats look at it. */
export function valueView(text: string, truncated: boolean): ValueView {
  return new LazyView(text, truncated);
}

/** A class, not an object with a closure: the scanner makes one per key, a million a pass. */
class LazyView implements ValueView {
  private parsed: ScalarFields | null | undefined;

  constructor(
    readonly text: string,
    readonly truncated: boolean,
  ) {}

  fields(): ScalarFields | null {
    if (this.parsed === undefined) this.parsed = this.truncated ? prefixFields(this.text) : wholeFields(this.text);
    return this.parsed;
  }
}

/**
 * The record a value holds under a pattern of format `format`. Under `auto`
 * only a format's own signature counts; anything else (JSON included) is
 * unrecognized, never completed.
 */
export function decodeAs(format: KeyFormat, value: ValueView): DecodedRecord {
  if (format !== 'auto') return FORMAT_READERS[format].decode(value);
  for (const reader of AUTO) {
    const record = reader.detect(value);
    if (record) return record;
  }
  return { ...UNRECOGNIZED, truncated: value.truncated };
}

/** Top-level scalar members of a complete value (JSON.parse is native, hence the fast path); null if it is not JSON. */
function wholeFields(text: string): ScalarFields | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return NO_FIELDS;
  return new ParsedFields(value as Record<string, unknown>);
}

/**
 * Members looked up in the parsed object rather than copied into a Map: the
 * scanner reads a few members of a million values a pass, and the copy was
 * most of its classification time.
 */
class ParsedFields implements ScalarFields {
  constructor(private readonly object: Record<string, unknown>) {}

  get(name: string): Scalar | undefined {
    if (!Object.hasOwn(this.object, name)) return undefined;
    const v = this.object[name];
    return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  }
}

const NO_FIELDS: ScalarFields = { get: () => undefined };

/** The same from the first bytes of a longer value, which must at least look like the start of JSON. */
function prefixFields(text: string): ScalarFields | null {
  const scan = scanJsonPrefix(text);
  return scan.valid && text.trim() !== '' ? scan.topLevel : null;
}

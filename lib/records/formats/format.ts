import type { ClassifiedKey, ClassifyConfig } from '../classify';
import type { RecordFormat } from '../states';
import type { DecodedRecord, ValueView } from './record';

/**
 * One record format: everything Idemscope knows about it, behind one shape.
 * Adding a format is one file implementing this, its entry in ./index.ts,
 * and its fixtures in the contract suite (tests/stores/formats).
 */
export interface FormatReader {
  readonly format: Exclude<RecordFormat, 'unknown'>;
  /** What the format is recognised by, in words: shown as the reason it was chosen. */
  readonly signature: string;
  /**
   * The record when the value carries this format's own signature, else
   * null. This is all `auto` goes by, so it must never claim a value that
   * merely could be this format.
   */
  detect(value: ValueView): DecodedRecord | null;
  /** The record under a pattern declared as this format; a value it cannot place is unrecognized. */
  decode(value: ValueView): DecodedRecord;
  /** State, age and stuck reason, from the record, its PTTL and the clock. */
  classify(record: DecodedRecord, pttlMs: number, nowMs: number, config: ClassifyConfig): ClassifiedKey;
  /** Whether an operator may release a record so classified (the release script re-checks it). */
  releasable(record: DecodedRecord, classified: ClassifiedKey): boolean;
  /**
   * For formats whose value points at other keys (BullMQ): the read-only
   * commands that fetch what it points to, and how their replies complete
   * the record. The keyspace reader sends them pipelined, bounded like a peek.
   */
  follow?: {
    commands(key: string, record: DecodedRecord): string[][];
    resolve(record: DecodedRecord, replies: readonly unknown[]): DecodedRecord;
  };
}

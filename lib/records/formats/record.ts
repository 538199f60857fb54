import type { Scalar } from '../json-prefix';
import type { RecordFormat } from '../states';

/**
 * What a Redis value says about itself, before time is taken into account.
 * `kind` is the format's own notion; turning it into a state needs `now` and
 * the TTL (see the format's classify).
 */
export interface DecodedRecord {
  format: RecordFormat;
  /**
   * `pointer`: the value names another record (a BullMQ job id) that must be
   * read before the key can be judged; `stray`: it names one that finished or
   * is gone, so the key only blocks.
   */
  kind: 'in-flight' | 'completed' | 'failed' | 'unrecognized' | 'pointer' | 'stray';
  owner: string | null;
  consumer: string | null;
  startedAtMs: number | null;
  /** Idemscope lease, or Powertools in_progress_expiration. */
  leaseExpiresAtMs: number | null;
  completedAtMs: number | null;
  /** When an idemscope claim's handler failed; the record stays until the claim's TTL runs out. */
  failedAtMs: number | null;
  /** The format's own expiry (Powertools `expiration`), independent of the Redis TTL. */
  expiresAtMs: number | null;
  fingerprint: string | null;
  /** The id a pointer value names (BullMQ: the job id the dedup key holds). */
  pointer: string | null;
  /** The format's own word for the record's state (BullMQ: waiting, active, completed, …). */
  nativeState: string | null;
  /** For a BullMQ active job: whether its worker still holds the job's lock. */
  locked: boolean | null;
  /** Only the first bytes were read; fields past them are unknown. */
  truncated: boolean;
}

export const UNRECOGNIZED: DecodedRecord = {
  format: 'unknown',
  kind: 'unrecognized',
  owner: null,
  consumer: null,
  startedAtMs: null,
  leaseExpiresAtMs: null,
  completedAtMs: null,
  failedAtMs: null,
  expiresAtMs: null,
  fingerprint: null,
  pointer: null,
  nativeState: null,
  locked: null,
  truncated: false,
};

/** A value's top-level scalar JSON members, by name; a member that is an object or array is absent. */
export interface ScalarFields {
  get(name: string): Scalar | undefined;
}

/** A value as the readers see it: its first bytes, and its top-level scalar JSON members parsed at most once. */
export interface ValueView {
  text: string;
  truncated: boolean;
  /** Top-level scalar members; none for JSON that is no object; null when the text is not (the start of) JSON. */
  fields(): ScalarFields | null;
}

export function str(v: Scalar | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

export function num(v: Scalar | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The records Idemscope's library writes. The Redis value is JSON tagged with
 * `fmt: "idemscope"` so the dashboard can tell it from the plain recipe and
 * from Powertools records; Postgres keeps the same facts in columns of
 * processed_messages.
 */
export type RecordStatus = 'processing' | 'completed' | 'failed';

export interface InFlightRecord {
  fmt: 'idemscope';
  v: 1;
  status: 'processing';
  /** Random token of the delivery that holds the claim; compare-and-delete uses it. */
  owner: string;
  consumer: string;
  /** Epoch ms at which the claim was taken. */
  startedAt: number;
  /** Epoch ms after which another consumer may take the claim over. */
  leaseExpiresAt: number;
  /** SHA-256 of the payload, when the caller asked for payload checking. */
  fingerprint?: string;
}

export interface CompletedRecord {
  fmt: 'idemscope';
  v: 1;
  status: 'completed';
  consumer: string;
  startedAt: number;
  /** Epoch ms at which the handler's result was stored. */
  completedAt: number;
  result: unknown;
  fingerprint?: string;
}

/**
 * A claim whose handler threw: kept (with the in-flight key's remaining TTL)
 * so that the retry finds it, takes it over and is counted as a duplicate,
 * as a failed row is in Postgres.
 */
export interface FailedRecord {
  fmt: 'idemscope';
  v: 1;
  status: 'failed';
  consumer: string;
  startedAt: number;
  /** Epoch ms at which the failure was recorded, by the store's clock. */
  failedAt: number;
  fingerprint?: string;
}

export type LibraryRecord = InFlightRecord | CompletedRecord | FailedRecord;

export function encodeRecord(record: LibraryRecord): string {
  return JSON.stringify(record);
}

/**
 * encodeRecord of a completed record, byte for byte, from pieces the caller
 * already holds as JSON (the consumer's, once per consumer) and the
 * fingerprint member (`,"fingerprint":"…"` or ''). The Redis store writes one
 * per message, and JSON.stringify of the whole object cost it more than the
 * rest of the completion.
 */
export function encodeCompleted(consumerJson: string, startedAt: number, completedAt: number, result: unknown, fingerprintMember: string): string {
  // JSON.stringify leaves out a member whose value it cannot write (a function, a symbol).
  const resultJson = JSON.stringify(result ?? null) as string | undefined;
  const resultMember = resultJson === undefined ? '' : `,"result":${resultJson}`;
  return `${COMPLETED_HEAD}${consumerJson},"startedAt":${jsonNumber(startedAt)},"completedAt":${jsonNumber(completedAt)}${resultMember}${fingerprintMember}}`;
}

const COMPLETED_HEAD = '{"fmt":"idemscope","v":1,"status":"completed","consumer":';

/** A number as JSON.stringify writes it (non-finite as null). */
function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** Parses a Redis value written by this library, or returns null for any other value. */
export function decodeRecord(value: string): LibraryRecord | null {
  if (!value.startsWith('{"fmt":"idemscope"')) return null;
  try {
    const parsed = JSON.parse(value) as Partial<LibraryRecord>;
    if (parsed.fmt !== 'idemscope') return null;
    if (parsed.status !== 'processing' && parsed.status !== 'completed' && parsed.status !== 'failed') return null;
    return parsed as LibraryRecord;
  } catch {
    return null;
  }
}

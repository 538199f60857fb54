import { scanJsonPrefix, type Scalar } from './json-prefix';
import type { RecordFormat } from './states';

/**
 * What a Redis value says about itself, before time is taken into account.
 * `kind` is the format's own notion; turning it into a state needs `now` and
 * the TTL (see classify.ts).
 */
export interface DecodedRecord {
  format: RecordFormat;
  kind: 'in-flight' | 'completed' | 'failed' | 'unrecognized';
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
  /** Only the first bytes were read; fields past them are unknown. */
  truncated: boolean;
}

/** The plain recipe's claim marker: `SET key processing NX EX <ttl>`. */
export const PLAIN_IN_FLIGHT = 'processing';

const IDEMSCOPE_HEAD = /^\s*\{\s*"fmt"\s*:\s*"idemscope"/;
const POWERTOOLS_STATUS = new Set(['INPROGRESS', 'COMPLETED']);

const UNRECOGNIZED: DecodedRecord = {
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
  truncated: false,
};

/**
 * Detects the format of a string value from its first bytes. `truncated`
 * says the value is longer than `text`. Never throws: anything it cannot
 * place is `unrecognized`.
 */
export function decodeValue(text: string, truncated: boolean): DecodedRecord {
  if (!truncated && text === PLAIN_IN_FLIGHT) return { ...UNRECOGNIZED, format: 'plain', kind: 'in-flight' };
  const fields = truncated ? prefixFields(text) : wholeFields(text);
  if (fields === null) return { ...UNRECOGNIZED, truncated };
  if (IDEMSCOPE_HEAD.test(text)) return decodeIdemscope(fields, truncated);
  if (POWERTOOLS_STATUS.has(fields.get('status') as string) && typeof fields.get('expiration') === 'number') {
    return decodePowertools(fields, truncated);
  }
  return { ...UNRECOGNIZED, format: 'plain', kind: 'completed', truncated };
}

/** Top-level scalar members of a complete value (JSON.parse is native, hence the fast path); null if it is not JSON. */
function wholeFields(text: string): Map<string, Scalar> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const fields = new Map<string, Scalar>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const k of Object.keys(object)) {
      const v = object[k];
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields.set(k, v);
    }
  }
  return fields;
}

/** The same from the first bytes of a longer value, which must at least look like the start of JSON. */
function prefixFields(text: string): Map<string, Scalar> | null {
  const scan = scanJsonPrefix(text);
  return scan.valid && text.trim() !== '' ? scan.topLevel : null;
}

function decodeIdemscope(fields: Map<string, Scalar>, truncated: boolean): DecodedRecord {
  const status = fields.get('status');
  const base: DecodedRecord = {
    ...UNRECOGNIZED,
    format: 'idemscope',
    owner: str(fields.get('owner')),
    consumer: str(fields.get('consumer')),
    startedAtMs: num(fields.get('startedAt')),
    leaseExpiresAtMs: num(fields.get('leaseExpiresAt')),
    completedAtMs: num(fields.get('completedAt')),
    failedAtMs: num(fields.get('failedAt')),
    fingerprint: str(fields.get('fingerprint')),
    truncated,
  };
  if (status === 'completed') return { ...base, kind: 'completed' };
  if (status === 'failed') return { ...base, kind: 'failed' };
  // An in-flight record is small; one without its timing facts is not ours to judge.
  if (status === 'processing' && base.startedAtMs !== null && base.leaseExpiresAtMs !== null) {
    return { ...base, kind: 'in-flight' };
  }
  return { ...UNRECOGNIZED, truncated };
}

function decodePowertools(fields: Map<string, Scalar>, truncated: boolean): DecodedRecord {
  const expiration = num(fields.get('expiration'));
  return {
    ...UNRECOGNIZED,
    format: 'powertools',
    kind: fields.get('status') === 'INPROGRESS' ? 'in-flight' : 'completed',
    leaseExpiresAtMs: num(fields.get('in_progress_expiration')),
    expiresAtMs: expiration === null ? null : expiration * 1000,
    fingerprint: str(fields.get('validation')) || null,
    truncated,
  };
}

function str(v: Scalar | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: Scalar | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

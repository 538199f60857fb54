import { maskJson, maskText } from '../records/mask';

export interface ValueView {
  value: unknown;
  valueEncoding: 'json' | 'text' | 'none';
  maskedPaths: string[];
}

/**
 * A stored value as a page may show it: parsed and masked when it is
 * complete JSON, else text with the configured fields masked in place
 * (a truncated value cannot be parsed, but must not leak either).
 */
export function viewOfText(text: string | null, truncated: boolean, maskFields: readonly string[]): ValueView {
  if (text === null) return { value: null, valueEncoding: 'none', maskedPaths: [] };
  if (!truncated) {
    try {
      const masked = maskJson(JSON.parse(text), maskFields);
      return { value: masked.value, valueEncoding: 'json', maskedPaths: masked.maskedPaths };
    } catch {
      // Not JSON: shown as text below.
    }
  }
  const masked = maskText(text, maskFields);
  return { value: masked.value, valueEncoding: 'text', maskedPaths: masked.maskedPaths };
}

export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** The stored fingerprint compared with the one the caller supplied; null when either is missing. */
export function payloadMismatch(stored: string | null, supplied: string | undefined): boolean | null {
  if (!stored || supplied === undefined) return null;
  return stored !== supplied;
}

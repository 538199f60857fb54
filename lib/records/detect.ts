import { decodeAs, valueView } from './formats';
import type { DecodedRecord } from './formats/record';
import type { KeyFormat } from './states';

export type { DecodedRecord } from './formats/record';
export { PLAIN_IN_FLIGHT } from './formats/plain';

/**
 * Detects the record a string value holds from its first bytes, under a
 * pattern of format `format` (the seed's layout, `plain`, when not given).
 * `truncated` says the value is longer than `text`. Never throws: anything
 * it cannot place is `unrecognized`.
 */
export function decodeValue(text: string, truncated: boolean, format: KeyFormat = 'plain'): DecodedRecord {
  return decodeAs(format, valueView(text, truncated));
}

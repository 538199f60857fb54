import { createHash, randomBytes } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Namespace of keyToUuid (itself a v5 UUID of "idemscope" in the URL
 * namespace). Fixed forever: changing it would give every business key a new
 * message_id and so let already-processed messages through again.
 */
export const IDEMSCOPE_UUID_NAMESPACE = '857f7340-06a4-547e-9b20-90238de97b65';

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Deterministic RFC 4122 version-5 UUID of a business key (an order id, say),
 * for stores whose key column is a uuid. The same key always maps to the same
 * UUID, in any process and any language that implements UUIDv5.
 */
export function keyToUuid(key: string, namespace: string = IDEMSCOPE_UUID_NAMESPACE): string {
  if (!isUuid(namespace)) throw new TypeError(`namespace must be a UUID, got ${JSON.stringify(namespace)}`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(key, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A new RFC 9562 version-7 UUID: 48 bits of Unix ms first, then random bits.
 * A producer that ids its messages so gives every delivery the message's
 * creation time, which a store on a time-partitioned table can file it by.
 */
export function uuidV7(atMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Math.floor(atMs), 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Unix ms of a version-7 UUID; null for any other version. */
export function uuidV7Time(value: string): number | null {
  if (!isUuid(value) || value[14] !== '7') return null;
  return Number.parseInt(value.slice(0, 8) + value.slice(9, 13), 16);
}

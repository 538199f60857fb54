import { statsKey, type Granularity } from '../stats-keys';

/**
 * Where the Redis store puts each key, on a single node and on Redis Cluster.
 * Every key one script call touches must be declared in KEYS and, on a
 * cluster, hash to one slot. So in cluster mode a record key carries a hash
 * tag naming its slot group, and every key written with it (the counter
 * hashes, and any other companion key such as an index of records in flight)
 * carries the same tag: `companionKey(base, tag)`.
 *
 * Slot groups rather than one tag per consumer: a consumer's keys spread over
 * every master instead of piling into one slot, and a batch of claims needs
 * one script call per group rather than one per key. The dashboard reads a
 * counter bucket as one hash per group (see `clusterTags`).
 */
export interface RedisLayout {
  readonly cluster: boolean;
  /** The Redis key holding a message key's record. */
  recordKey(key: string): string;
  /** The hash tag (with braces) a message key's companion keys must carry; '' on a single node. */
  tagOf(key: string): string;
  /** Every tag in use: [''] on a single node, one per slot group on a cluster. */
  readonly tags: readonly string[];
}

/** Default number of slot groups: 16 spreads evenly over 2, 4, 8 or 16 masters and over 3 within 1/16 of the slots. */
export const DEFAULT_SLOT_GROUPS = 16;

export const REDIS_CLUSTER_SLOTS = 16384;

/** A counter hash or other companion key of a record key with tag `tag`. */
export function companionKey(base: string, tag: string): string {
  return `${base}${tag}`;
}

/** The counter hash of one bucket for the records of one tag. */
export function taggedStatsKey(prefix: string, granularity: Granularity, bucketStartSeconds: number, tag: string): string {
  return companionKey(statsKey(prefix, granularity, bucketStartSeconds), tag);
}

export function singleNodeLayout(keyPrefix: string): RedisLayout {
  return { cluster: false, recordKey: (key) => keyPrefix + key, tagOf: () => '', tags: [''] };
}

/**
 * Record keys `<prefix>{<tag>}<key>`, the tag picked by the key's CRC16, so
 * that a key always lands in the same group whichever consumer claims it.
 */
export function clusterLayout(keyPrefix: string, groups: number = DEFAULT_SLOT_GROUPS): RedisLayout {
  const tags = clusterTags(groups);
  const tagOf = (key: string) => tags[crc16(key) % groups]!;
  return { cluster: true, recordKey: (key) => `${keyPrefix}${tagOf(key)}${key}`, tagOf, tags };
}

const tagCache = new Map<number, readonly string[]>();

/**
 * One tag per group, `{g<n>x}` with the shortest suffix x that puts group n's
 * slot at n/groups of the slot range, so the groups are spread evenly over
 * masters that own contiguous ranges (what `redis-cli --cluster create` makes).
 */
export function clusterTags(groups: number = DEFAULT_SLOT_GROUPS): readonly string[] {
  if (!Number.isInteger(groups) || groups < 1 || groups > 1024) throw new RangeError('slot groups must be an integer from 1 to 1024');
  const known = tagCache.get(groups);
  if (known) return known;
  const span = REDIS_CLUSTER_SLOTS / groups;
  const tags: string[] = [];
  for (let n = 0; n < groups; n++) {
    const low = Math.floor(n * span);
    const high = Math.floor((n + 1) * span);
    // The middle half of the group's share, so neighbouring groups never share a master boundary.
    const from = Math.floor(low + (high - low) / 4);
    const to = Math.max(from + 1, Math.ceil(high - (high - low) / 4));
    for (let x = 0; ; x++) {
      const inner = `g${n}.${x.toString(36)}`;
      const slot = keySlot(inner);
      if (slot >= from && slot < to) {
        tags.push(`{${inner}}`);
        break;
      }
    }
  }
  tagCache.set(groups, tags);
  return tags;
}

/** A key's hash tag with its braces (what Redis hashes instead of the whole key), or '' when it has none. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return '';
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open, close + 1) : '';
}

/** The cluster slot of a key, hash tags included, as Redis computes it (CLUSTER KEYSLOT). */
export function keySlot(key: string): number {
  // The scanner computes this for every key of a pass: ASCII keys, the usual case, are hashed
  // from the string itself without encoding it first.
  const open = key.indexOf('{');
  let from = 0;
  let to = key.length;
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) {
      from = open + 1;
      to = close;
    }
  }
  let crc = 0;
  for (let i = from; i < to; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return keySlotOfBytes(Buffer.from(key, 'utf8'));
    crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ code) & 0xff]!;
  }
  return crc % REDIS_CLUSTER_SLOTS;
}

function keySlotOfBytes(bytes: Buffer): number {
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16Bytes(bytes.subarray(open + 1, close)) % REDIS_CLUSTER_SLOTS;
  }
  return crc16Bytes(bytes) % REDIS_CLUSTER_SLOTS;
}

function crc16(text: string): number {
  return crc16Bytes(Buffer.from(text, 'utf8'));
}

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** CRC16-CCITT (XMODEM), Redis Cluster's key hash. */
function crc16Bytes(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

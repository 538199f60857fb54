import type { ClassifiedKey } from '../classify';
import type { StuckReason } from '../states';
import { seconds, ttlOf } from './claim';
import type { FormatReader } from './format';
import { UNRECOGNIZED } from './record';

/** How far into a queue's active list a job is looked for (LPOS MAXLEN): the list is as long as the workers' concurrency. */
export const ACTIVE_SCAN_LIMIT = 10_000;
/** Longest job id accepted: BullMQ ids are counters or short custom ids. */
const MAX_JOB_ID = 256;
const JOB_ID = /^[^\s:]+$/;
const DEDUP = ':de:';

/**
 * `<prefix>:<queue>:` of a dedup key `<prefix>:<queue>:de:<dedup id>`: where
 * the queue's job hashes and state lists live. Queue names cannot hold a
 * colon, so the first `:de:` after the prefix ends the queue; null when the
 * key has none.
 */
export function queueBase(key: string): string | null {
  const at = key.indexOf(DEDUP);
  return at <= 0 ? null : key.slice(0, at + 1);
}

/** A reply that says something: nil (no such member, field or list entry) and a missing reply do not. */
function present(v: unknown): boolean {
  return v !== null && v !== undefined;
}

/** Replies of the follow commands, in this order. */
const JOB_FIELDS = ['timestamp', 'processedOn', 'finishedOn', 'failedReason', 'atm'] as const;

/**
 * BullMQ job deduplication (`deduplication: { id, ttl? }`): the key
 * `<prefix>:<queue>:de:<id>` holds the id of the job that won. The value
 * has no signature of its own, so only a pattern declared `bullmq` is read
 * this way; the job it names is followed to its hash, its lock and the
 * queue's state sets.
 */
export const bullmq: FormatReader = {
  format: 'bullmq',
  signature: 'declared only: a dedup key holds a bare job id, which no value signature tells apart',
  detect() {
    return null;
  },
  decode(value) {
    const id = value.text;
    if (value.truncated || id.length > MAX_JOB_ID || !JOB_ID.test(id)) return { ...UNRECOGNIZED, truncated: value.truncated };
    return { ...UNRECOGNIZED, format: 'bullmq', kind: 'pointer', pointer: id };
  },
  follow: {
    commands(key, record) {
      const base = queueBase(key);
      if (base === null || record.pointer === null) return [];
      const job = base + record.pointer;
      return [
        ['EXISTS', job],
        ['HMGET', job, ...JOB_FIELDS],
        ['PTTL', `${job}:lock`],
        ['LPOS', `${base}active`, record.pointer, 'MAXLEN', String(ACTIVE_SCAN_LIMIT)],
        ['ZSCORE', `${base}failed`, record.pointer],
        ['ZSCORE', `${base}delayed`, record.pointer],
        ['ZSCORE', `${base}prioritized`, record.pointer],
        ['ZSCORE', `${base}waiting-children`, record.pointer],
      ];
    },
    resolve(record, replies) {
      if (replies.length === 0) return { ...UNRECOGNIZED, truncated: record.truncated };
      const [exists, fields, lockPttl, activeAt, failedScore, delayedScore, prioritizedScore, childrenScore] = replies;
      if (Number(exists) !== 1) return { ...record, kind: 'stray', nativeState: 'gone' };
      const hash = Array.isArray(fields) ? fields : [];
      const ms = (name: (typeof JOB_FIELDS)[number]) => {
        const v = hash[JOB_FIELDS.indexOf(name)];
        const n = present(v) ? Number(v) : NaN;
        return Number.isFinite(n) ? n : null;
      };
      const timestamp = ms('timestamp');
      const processedOn = ms('processedOn');
      const finishedOn = ms('finishedOn');
      const base = { ...record, startedAtMs: processedOn ?? timestamp, owner: null, consumer: null };
      if (finishedOn !== null) {
        const failed = present(failedScore);
        return { ...base, kind: failed ? 'failed' : 'completed', nativeState: failed ? 'failed' : 'completed', completedAtMs: finishedOn, failedAtMs: failed ? finishedOn : null };
      }
      if (present(activeAt)) {
        return { ...base, kind: 'in-flight', nativeState: 'active', locked: Number(lockPttl) !== -2 };
      }
      let state = 'waiting';
      if (present(delayedScore)) state = 'delayed';
      else if (present(prioritizedScore)) state = 'prioritized';
      else if (present(childrenScore)) state = 'waiting-children';
      return { ...base, kind: 'in-flight', nativeState: state, startedAtMs: timestamp };
    },
  },
  classify(record, pttlMs, nowMs, config) {
    const { ttlSeconds, noExpiry } = ttlOf(pttlMs);
    const result = (state: ClassifiedKey['state'], ageMs: number | null, stuckReason: StuckReason | null, stuckForMs: number | null = ageMs): ClassifiedKey => ({
      format: 'bullmq',
      ttlSeconds,
      noExpiry,
      ageSeconds: ageMs === null ? null : seconds(ageMs),
      stuckForSeconds: stuckReason === null ? null : stuckForMs === null ? Number.POSITIVE_INFINITY : seconds(stuckForMs),
      stuckReason,
      state,
    });
    const since = (ms: number | null) => (ms === null ? null : Math.max(0, nowMs - ms));

    if (record.kind === 'stray') {
      // A throttle key (with TTL) outliving a removed job is its window running out, not a stray.
      return noExpiry ? result('stuck', null, 'stray-gone') : result('completed', null, null);
    }
    if (record.kind === 'completed' || record.kind === 'failed') {
      const age = since(record.completedAtMs);
      // Simple mode keys have no TTL and must go when their job finishes; one that stays drops every add.
      if (noExpiry) return result('stuck', age, 'stray-finished');
      return result(record.kind, age, null);
    }
    if (record.kind !== 'in-flight') return result('unrecognized', null, null);
    const age = since(record.startedAtMs);
    if (record.nativeState !== 'active') return result('processing', age, null);
    if (record.locked === false) return result('stuck', age, 'stalled');
    if (age !== null && age >= config.stuckAfterSeconds * 1000) return result('stuck', age, 'older-than-threshold');
    return result('processing', age, null);
  },
  // Only stray keys: an active job, stalled or not, is BullMQ's stall checker's to recover.
  releasable(_record, classified) {
    return classified.stuckReason === 'stray-finished' || classified.stuckReason === 'stray-gone';
  },
};

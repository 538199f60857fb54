import type { NodeScanInfo } from '../contract/read';
import { emptyFormatCounts, emptyStateCounts, type KeyFormat, type RecordFormat, type RecordState, type StuckReason } from '../records/states';
import type { ExaminedKey } from '../records/examine';
import { queueBase } from '../records/formats/bullmq';
import { keyPatternText, type KeyPattern } from '../records/key-patterns';

export const HOUR_MS = 3_600_000;
/** The expiry histogram covers this many hourly buckets ahead of the pass start. */
export const EXPIRY_HOURS = 72;

export interface StuckKey {
  key: string;
  format: RecordFormat;
  stuckReason: StuckReason | null;
  /** The format's own state (BullMQ: active, completed, gone, …). */
  nativeState: string | null;
  ageSeconds: number | null;
  stuckForSeconds: number;
  owner: string | null;
  consumer: string | null;
  startedAtMs: number | null;
}

export interface PatternAggregate {
  /** The entry as configured: `pattern` or `pattern=format`. */
  pattern: string;
  format: KeyFormat;
  declared: boolean;
  keys: number;
  byState: Record<RecordState, number>;
}

/** How one master fared in a pass: the shape the overview sends as it is. */
export type NodeScan = NodeScanInfo;

/**
 * Aggregates of one pass over every pattern. It holds counts, a
 * histogram and a short list, never the keys themselves, so its size does
 * not grow with the keyspace.
 */
export interface KeyspaceSnapshot {
  startedAtMs: number;
  completedAtMs: number;
  /** Keys SCAN returned, before dropping stats keys and keys owned by an earlier pattern. */
  keysExamined: number;
  /**
   * Every slot's keys were counted exactly once. False (a partial pass, its
   * counts a lower bound) when a master failed and nobody took its slots over
   * within the pass, or slots moved between masters while it ran.
   */
  complete: boolean;
  /** Why the pass is partial; null when complete. */
  partialReason: string | null;
  /** Per master (one entry on a single node): progress and health. */
  nodes: NodeScan[];
  /** Dedup records counted. */
  keys: number;
  byState: Record<RecordState, number>;
  byFormat: Record<RecordFormat, number>;
  byPattern: PatternAggregate[];
  noExpiry: number;
  /** Values longer than the bytes read; classified from their start. */
  truncated: number;
  expiry: {
    /** Start of hourly bucket 0: the hour the pass started in. */
    fromMs: number;
    /** Keys whose Redis TTL runs out in each hour; EXPIRY_HOURS + 1 buckets. */
    hourly: number[];
    /** TTL runs out after the last bucket. */
    later: number;
    /** Past their format's own expiry but still stored. */
    overdue: number;
  };
  /** Longest-stuck first. */
  oldestStuck: StuckKey[];
  /** `<prefix>:<queue>:` of the BullMQ queues whose dedup keys were seen (at most MAX_BULLMQ_QUEUES), for their events streams. */
  bullmqQueues: string[];
}

/** Queues a snapshot remembers: each is one XRANGE per duplicate-rate request. */
export const MAX_BULLMQ_QUEUES = 100;

export class SnapshotBuilder {
  private readonly snapshot: KeyspaceSnapshot;

  constructor(
    patterns: readonly KeyPattern[],
    startedAtMs: number,
    private readonly topStuck: number,
  ) {
    this.snapshot = {
      startedAtMs,
      completedAtMs: startedAtMs,
      keysExamined: 0,
      complete: true,
      partialReason: null,
      nodes: [],
      keys: 0,
      byState: emptyStateCounts(),
      byFormat: emptyFormatCounts(),
      byPattern: patterns.map((p) => ({ pattern: keyPatternText(p), format: p.format, declared: p.declared, keys: 0, byState: emptyStateCounts() })),
      noExpiry: 0,
      truncated: 0,
      expiry: { fromMs: Math.floor(startedAtMs / HOUR_MS) * HOUR_MS, hourly: new Array<number>(EXPIRY_HOURS + 1).fill(0), later: 0, overdue: 0 },
      oldestStuck: [],
      bullmqQueues: [],
    };
  }

  get keysExamined(): number {
    return this.snapshot.keysExamined;
  }

  /** Each pattern's counts so far: a pass in progress is read only for estimates. */
  get patternsSoFar(): readonly PatternAggregate[] {
    return this.snapshot.byPattern;
  }

  scanned(count: number): void {
    this.snapshot.keysExamined += count;
  }

  add(patternIndex: number, entry: ExaminedKey, nowMs: number): void {
    const s = this.snapshot;
    s.keys++;
    s.byState[entry.state]++;
    s.byFormat[entry.format]++;
    const pattern = s.byPattern[patternIndex]!;
    pattern.keys++;
    pattern.byState[entry.state]++;
    if (entry.decoded.truncated) s.truncated++;
    if (entry.noExpiry) s.noExpiry++;
    else if (entry.pttlMs >= 0) {
      const bucket = Math.floor((nowMs + entry.pttlMs - s.expiry.fromMs) / HOUR_MS);
      if (bucket < s.expiry.hourly.length) s.expiry.hourly[Math.max(0, bucket)]!++;
      else s.expiry.later++;
    }
    if (entry.state === 'expired') s.expiry.overdue++;
    if (entry.state === 'stuck') this.rankStuck(entry);
    if (entry.format === 'bullmq') this.noteQueue(entry.key);
  }

  private noteQueue(key: string): void {
    const queues = this.snapshot.bullmqQueues;
    const base = queueBase(key);
    if (base !== null && queues.length < MAX_BULLMQ_QUEUES && !queues.includes(base)) queues.push(base);
  }

  get keys(): number {
    return this.snapshot.keys;
  }

  /** Adds the counts of another builder's pass over other keys (another master's). */
  absorb(part: KeyspaceSnapshot): void {
    const s = this.snapshot;
    s.keysExamined += part.keysExamined;
    s.keys += part.keys;
    addCounts(s.byState, part.byState);
    addCounts(s.byFormat, part.byFormat);
    part.byPattern.forEach((p, i) => {
      s.byPattern[i]!.keys += p.keys;
      addCounts(s.byPattern[i]!.byState, p.byState);
    });
    s.noExpiry += part.noExpiry;
    s.truncated += part.truncated;
    part.expiry.hourly.forEach((n, i) => (s.expiry.hourly[i]! += n));
    s.expiry.later += part.expiry.later;
    s.expiry.overdue += part.expiry.overdue;
    for (const item of part.oldestStuck) this.insertStuck(item);
    for (const base of part.bullmqQueues) {
      if (s.bullmqQueues.length < MAX_BULLMQ_QUEUES && !s.bullmqQueues.includes(base)) s.bullmqQueues.push(base);
    }
  }

  partial(reason: string): void {
    this.snapshot.complete = false;
    this.snapshot.partialReason = this.snapshot.partialReason ? `${this.snapshot.partialReason}; ${reason}` : reason;
  }

  finish(completedAtMs: number, nodes: NodeScan[] = []): KeyspaceSnapshot {
    this.snapshot.nodes = nodes;
    this.snapshot.completedAtMs = completedAtMs;
    return this.snapshot;
  }

  private rankStuck(entry: ExaminedKey): void {
    const list = this.snapshot.oldestStuck;
    if (this.topStuck <= 0) return;
    const stuckFor = entry.stuckForSeconds ?? 0;
    if (list.length >= this.topStuck && stuckFor <= list[list.length - 1]!.stuckForSeconds) return;
    this.insertStuck(stuckKeyOf(entry));
  }

  private insertStuck(item: StuckKey): void {
    const list = this.snapshot.oldestStuck;
    if (this.topStuck <= 0) return;
    if (list.length >= this.topStuck && item.stuckForSeconds <= list[list.length - 1]!.stuckForSeconds) return;
    const at = list.findIndex((other) => other.stuckForSeconds < item.stuckForSeconds);
    list.splice(at < 0 ? list.length : at, 0, item);
    if (list.length > this.topStuck) list.pop();
  }
}

/** A stuck key as the overview lists it. */
export function stuckKeyOf(entry: ExaminedKey): StuckKey {
  return {
    key: entry.key,
    format: entry.format,
    stuckReason: entry.stuckReason,
    nativeState: entry.decoded.nativeState,
    ageSeconds: entry.ageSeconds,
    stuckForSeconds: entry.stuckForSeconds ?? 0,
    owner: entry.decoded.owner,
    consumer: entry.decoded.consumer,
    startedAtMs: entry.decoded.startedAtMs,
  };
}

function addCounts<K extends string>(into: Record<K, number>, from: Record<K, number>): void {
  for (const key of Object.keys(from) as K[]) into[key] += from[key];
}

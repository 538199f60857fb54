import type { ClassifyConfig } from '../records/classify';
import { examine, type FollowReads } from '../records/examine';
import { createKeyFilter, type KeyFilter } from '../records/key-filter';
import type { KeyPattern } from '../records/key-patterns';
import type { KeyspaceReader } from '../stores/redis/keyspace';
import { estimateFromSample, scanFraction, type KeyspaceEstimate } from './estimate';
import { emptyPassCost, type PaceMode, type PassCost, type ScanPacer } from './pacer';
import { SnapshotBuilder, type KeyspaceSnapshot } from './snapshot';

export interface ScannerOptions {
  /** SCAN MATCH patterns holding dedup keys, each with the format its keys are read as. */
  patterns: readonly KeyPattern[];
  /** Keys under this prefix are the library's counters and are skipped. */
  statsPrefix: string;
  /** COUNT hint per SCAN step: bounds the work each step asks of Redis. */
  scanCount: number;
  /** Bytes of each value read (GETRANGE); larger values are classified from their start. */
  headBytes: number;
  /** Pause between two steps of a pass, so the scanner never monopolises Redis. */
  stepPauseMs: number;
  /** Pause between two passes. */
  intervalMs: number;
  /** How many of the longest-stuck records a snapshot keeps. */
  topStuck: number;
  classify: ClassifyConfig;
  clock?: () => number;
  /**
   * Paces steps and passes by Redis's CPU (see pacer.ts); without one, every
   * step pauses stepPauseMs and every pass intervalMs, as before the budget.
   */
  pacer?: ScanPacer;
  /** Redis's CPU seconds so far (INFO cpu used_cpu_sys + used_cpu_user), read before and after each step. */
  redisCpuSeconds?: () => Promise<number>;
}

export interface ScannerStatus {
  running: boolean;
  passInProgress: boolean;
  passStartedAtMs: number | null;
  passKeysExamined: number;
  passes: number;
  lastError: string | null;
  /** How the next step runs: at full speed (a viewer or a fresh request) or under the budget. */
  mode: PaceMode;
  /** What the last complete pass cost Redis; null before one completed. */
  lastPassCost: PassCost | null;
  /** The budget and what a pass takes under it; null without a pacer. */
  pacing: {
    budgetPercent: number;
    passAtBudgetMs: number | null;
    nextPassAfterMs: number;
  } | null;
}

/** A fresh snapshot was asked for and no pass completed in time. */
export class ScanTimeoutError extends Error {
  override readonly name = 'ScanTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no complete keyspace pass within ${timeoutMs} ms`);
  }
}

interface Waiter {
  /** The first pass number whose result satisfies this waiter. */
  minPass: number;
  resolve(snapshot: KeyspaceSnapshot): void;
  reject(error: unknown): void;
}

/**
 * Keeps a snapshot of the dedup keyspace. A pass is a sequence of bounded
 * SCAN steps, each followed by one pipelined PTTL + GETRANGE round trip (and
 * one more for the records that point at others, BullMQ's) and a short pause; the new snapshot replaces the previous one only when the pass
 * completes, so readers never see half-counted numbers.
 */
export class KeyspaceScanner {
  private current: KeyspaceSnapshot | null = null;
  private running = false;
  /** Set by stop(): a pass in progress gives up at its next step instead of finishing. */
  private stopping = false;
  private loop: Promise<void> | null = null;
  private pass: { startedAtMs: number; builder: SnapshotBuilder; cost: PassCost; fractions: number[] } | null = null;
  private lastPassCost: PassCost | null = null;
  private passesStarted = 0;
  private passes = 0;
  private lastError: string | null = null;
  private waiters: Waiter[] = [];
  private wake: (() => void) | null = null;
  private readonly filter: KeyFilter;
  private readonly now: () => number;

  constructor(
    private readonly source: KeyspaceReader,
    private readonly options: ScannerOptions,
  ) {
    this.filter = createKeyFilter(options.patterns, options.statsPrefix);
    this.now = options.clock ?? Date.now;
  }

  get snapshot(): KeyspaceSnapshot | null {
    return this.current;
  }

  status(): ScannerStatus {
    return {
      running: this.running,
      passInProgress: this.pass !== null,
      passStartedAtMs: this.pass?.startedAtMs ?? null,
      passKeysExamined: this.pass?.builder.keysExamined ?? 0,
      passes: this.passes,
      lastError: this.lastError,
      mode: this.options.pacer?.mode(this.waiters.length > 0) ?? 'full-speed',
      lastPassCost: this.lastPassCost,
      pacing: this.options.pacer
        ? {
            budgetPercent: this.options.pacer.options.budgetPercent,
            passAtBudgetMs: this.lastPassCost ? this.options.pacer.passMsAtBudget(this.lastPassCost) : null,
            nextPassAfterMs: this.options.pacer.pauseBetweenPasses(this.waiters.length > 0),
          }
        : null,
    };
  }

  /**
   * Someone looked at the figures: passes run at full speed for a while. A
   * viewer back after a quiet spell ends the keep-alive pause at once.
   */
  noteViewer(): void {
    if (this.options.pacer?.noteViewer()) this.wake?.();
  }

  /**
   * Counts of the pass in progress scaled up by how much of the keyspace it
   * has walked (see estimate.ts), with their 95 % bounds; null when no pass
   * is running or none of its patterns has been sampled yet.
   */
  estimate(): (KeyspaceEstimate & { asOfMs: number }) | null {
    if (!this.pass) return null;
    const estimate = estimateFromSample(this.pass.builder.patternsSoFar, this.pass.fractions);
    return estimate && { ...estimate, asOfMs: this.now() };
  }

  /** Starts the background loop; calling it again is harmless. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.runLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('scanner stopped'));
  }

  /** Resolves with the first snapshot of a pass that starts after this call. */
  fresh(timeoutMs: number): Promise<KeyspaceSnapshot> {
    const minPass = this.passesStarted + 1;
    return new Promise<KeyspaceSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ScanTimeoutError(timeoutMs));
      }, timeoutMs);
      const waiter: Waiter = {
        minPass,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
      this.start();
      this.wake?.();
    });
  }

  /** One complete pass; usable without the loop (scripts, benchmarks, tests). */
  async runPass(): Promise<KeyspaceSnapshot> {
    const startedAtMs = this.now();
    const number = ++this.passesStarted;
    const builder = new SnapshotBuilder(this.options.patterns, startedAtMs, this.options.topStuck);
    const cost = emptyPassCost();
    const fractions = this.options.patterns.map(() => 0);
    this.pass = { startedAtMs, builder, cost, fractions };
    try {
      for (let index = 0; index < this.options.patterns.length; index++) {
        await this.scanPattern(index, builder, cost, fractions);
      }
      const snapshot = builder.finish(this.now());
      this.current = snapshot;
      this.lastPassCost = cost;
      this.passes++;
      this.lastError = null;
      this.settle(number, snapshot);
      return snapshot;
    } finally {
      this.pass = null;
    }
  }

  private async scanPattern(index: number, builder: SnapshotBuilder, cost: PassCost, fractions: number[]): Promise<void> {
    const { scanCount, headBytes, stepPauseMs, classify, pacer, redisCpuSeconds } = this.options;
    const { pattern, format } = this.options.patterns[index]!;
    const formatOf = () => format;
    let cursor = '0';
    do {
      if (this.stopping) throw new Error('scanner stopped');
      const mode = pacer?.mode(this.waiters.length > 0) ?? 'full-speed';
      const cpuBefore = redisCpuSeconds ? await redisCpuSeconds() : null;
      const stepStarted = performance.now();
      const step = await this.source.scan(pattern, cursor, scanCount);
      cursor = step.cursor;
      builder.scanned(step.keys.length);
      const owned = step.keys.filter((key) => this.filter.owns(index, key));
      const peeks = await this.source.peek(owned, headBytes);
      // Timed from the step's last reply, so it runs while the batch is classified: Redis still
      // has at least stepPauseMs to itself before the next step (of this pattern or the next
      // one), and the pass loses no time to it unless classifying takes less.
      let paused = pause(stepPauseMs);
      const follow: FollowReads = async (commands) => {
        const replies = await this.source.follow(commands);
        paused = pause(stepPauseMs);
        return replies;
      };
      const now = this.now();
      const entries = await examine(peeks, headBytes, now, classify, formatOf, follow);
      const stepMs = performance.now() - stepStarted;
      const cpu = cpuBefore === null ? null : (await redisCpuSeconds!()) - cpuBefore;
      cost.steps++;
      cost.stepMs += stepMs;
      cost.cpuSeconds += Math.max(0, cpu ?? 0);
      for (const entry of entries) builder.add(index, entry, now);
      fractions[index] = scanFraction(cursor, cursor === '0');
      if (pacer && mode === 'budget') {
        const ms = pacer.pauseAfterStep(mode, cpu, stepMs);
        cost.pausedMs += ms;
        await pause(ms);
      } else {
        cost.pausedMs += stepPauseMs;
        await paused;
      }
    } while (cursor !== '0');
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      let failed = false;
      try {
        await this.runPass();
      } catch (error) {
        failed = true;
        this.lastError = error instanceof Error ? error.message : String(error);
        // A fresh() request waiting on this pass gets its failure now (a 503 when Redis does not answer),
        // not after its whole timeout.
        const failedPass = this.passesStarted;
        const waiting = this.waiters.filter((w) => w.minPass <= failedPass);
        this.waiters = this.waiters.filter((w) => !waiting.includes(w));
        for (const waiter of waiting) waiter.reject(error);
      }
      if (!this.running) break;
      // A waiting fresh() request skips the pause, unless Redis just failed:
      // retrying at once would hammer a store that is already in trouble.
      if (failed) await this.sleep(this.options.intervalMs);
      else if (this.waiters.length === 0) {
        const idleFrom = performance.now();
        await this.sleep(this.options.pacer?.pauseBetweenPasses(false) ?? this.options.intervalMs);
        this.options.pacer?.idled(performance.now() - idleFrom);
      }
    }
  }

  private settle(number: number, snapshot: KeyspaceSnapshot): void {
    const ready = this.waiters.filter((w) => number >= w.minPass);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve(snapshot);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      // The loop must not keep a script or test process alive on its own.
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

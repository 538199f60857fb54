import type { ClassifyConfig } from '../records/classify';
import { examine, type FollowReads } from '../records/examine';
import { createKeyFilter, type KeyFilter } from '../records/key-filter';
import type { KeyPattern } from '../records/key-patterns';
import { keySlot } from '../idempotency/stores/redis-layout';
import type { KeyspaceReader, KeyspaceShard, NodeReader } from '../stores/redis/keyspace';
import { estimateFromSample, scanFraction, type KeyspaceEstimate } from './estimate';
import { emptyPassCost, type MeasuredStep, type PaceMode, type PassCost, type ScanPacer } from './pacer';
import { SnapshotBuilder, type KeyspaceSnapshot, type NodeScan } from './snapshot';

export interface ScannerOptions {
  /** SCAN MATCH patterns holding dedup keys, each with the format its keys are read as. */
  patterns: readonly KeyPattern[];
  /** Keys under this prefix are the library's counters and are skipped. */
  statsPrefix: string;
  /** COUNT hint per SCAN step at full speed; a paced step asks for less where that would hold Redis long (see ScanPacer.scanCount). */
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
  /**
   * Redis's CPU seconds so far (INFO cpu used_cpu_sys + used_cpu_user), read
   * before and after each step. On a cluster, the reader's figure advances by
   * the busiest master's CPU (see read-store.ts cpuSeconds), so the scanner
   * paces on the busiest master.
   */
  redisCpuSeconds?: () => Promise<number>;
  /** Masters of a cluster scanned at once. Default 4. */
  parallelNodes?: number;
  /**
   * How long a pass waits for a failed master's slots to get a new owner (its
   * replica promoted) before it ends partial. Default 15 s.
   */
  takeoverWaitMs?: number;
}

export interface ScannerStatus {
  running: boolean;
  passInProgress: boolean;
  passStartedAtMs: number | null;
  passKeysExamined: number;
  /** Per master, the pass in progress (the last pass's when none is). */
  nodes: NodeScan[];
  passes: number;
  lastError: string | null;
  /** How the next step runs: at full speed (a fresh request waits), under the viewer budget, or under the budget. */
  mode: PaceMode;
  /** What the last complete pass cost Redis; null before one completed. */
  lastPassCost: PassCost | null;
  /**
   * Every step since this scanner was made, passes complete or not, so that
   * a rate over any window is the scanner's share of Redis (an upper bound,
   * see pacer.ts). cpuSeconds is null without a CPU reader.
   */
  costSinceStart: { steps: number; cpuSeconds: number | null };
  /** The budget and what a pass takes under it; null without a pacer. */
  pacing: {
    budgetPercent: number;
    viewerBudgetPercent: number;
    passAtBudgetMs: number | null;
    passAtViewerBudgetMs: number | null;
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
  /**
   * The pass in progress. `sample` is the single node's builder and each
   * pattern's walked fraction, for the estimate (see estimate()); null on a
   * cluster, whose cursors need a reading of their own.
   */
  private pass: {
    startedAtMs: number;
    nodes: NodeScan[];
    cost: PassCost;
    sample: { builder: SnapshotBuilder; fractions: number[] } | null;
  } | null = null;
  private lastPassCost: PassCost | null = null;
  private readonly sinceStart = { steps: 0, cpuSeconds: 0 };
  private passesStarted = 0;
  private passes = 0;
  private lastError: string | null = null;
  private waiters: Waiter[] = [];
  /** Ends every pause in progress: the idle one between passes and budgeted ones within a pass (one per master). */
  private readonly wakers = new Set<() => void>();
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
      passKeysExamined: this.pass?.nodes.reduce((sum, n) => sum + n.keysExamined, 0) ?? 0,
      nodes: (this.pass?.nodes ?? this.current?.nodes ?? []).map((n) => ({ ...n, takenOverBy: [...n.takenOverBy] })),
      passes: this.passes,
      lastError: this.lastError,
      mode: this.options.pacer?.mode(this.waiters.length > 0) ?? 'full-speed',
      lastPassCost: this.lastPassCost,
      costSinceStart: { steps: this.sinceStart.steps, cpuSeconds: this.options.redisCpuSeconds ? this.sinceStart.cpuSeconds : null },
      pacing: this.options.pacer
        ? {
            budgetPercent: this.options.pacer.options.budgetPercent,
            viewerBudgetPercent: this.options.pacer.options.viewerBudgetPercent,
            passAtBudgetMs: this.lastPassCost ? this.options.pacer.passMsAtBudget(this.lastPassCost) : null,
            passAtViewerBudgetMs: this.lastPassCost
              ? this.options.pacer.passMsAtBudget(this.lastPassCost, this.options.pacer.options.viewerBudgetPercent)
              : null,
            nextPassAfterMs: this.options.pacer.pauseBetweenPasses(this.waiters.length > 0),
          }
        : null,
    };
  }

  /**
   * Someone looked at the figures: passes run under the viewer budget for a
   * while. A viewer back after a quiet spell ends the keep-alive pause at once.
   */
  noteViewer(): void {
    if (this.options.pacer?.noteViewer()) this.wake();
  }

  /**
   * Counts of the pass in progress scaled up by how much of the keyspace it
   * has walked (see estimate.ts), with their 95 % bounds; null when no pass
   * is running or none of its patterns has been sampled yet, and always on a
   * Redis Cluster: a cluster node's SCAN cursor also carries a slot, so the
   * single-node reading of it does not hold (the overview shows no estimate
   * there, only the per-master progress of the pass).
   */
  estimate(): (KeyspaceEstimate & { asOfMs: number }) | null {
    if (!this.pass?.sample) return null;
    const estimate = estimateFromSample(this.pass.sample.builder.patternsSoFar, this.pass.sample.fractions);
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
    this.wake();
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
      this.wake();
    });
  }

  /**
   * One pass; usable without the loop (scripts, benchmarks, tests). Every
   * master is scanned on its own, at most `parallelNodes` at once, and counts
   * only keys of the slots it owned when the pass began, so a key seen on two
   * masters (a slot migrating) is never counted twice. A master that fails is
   * dropped from the pass with whatever it had counted, and its slots are
   * scanned again on the masters that own them once the cluster has moved
   * them (a failover); if none has in time, or slots moved while the pass ran,
   * the pass is labelled partial. On a single node a failure fails the pass.
   */
  async runPass(): Promise<KeyspaceSnapshot> {
    const startedAtMs = this.now();
    const number = ++this.passesStarted;
    const pass = {
      startedAtMs,
      nodes: [] as NodeScan[],
      cost: emptyPassCost(),
      sample: null as { builder: SnapshotBuilder; fractions: number[] } | null,
    };
    this.pass = pass;
    try {
      const total = new SnapshotBuilder(this.options.patterns, startedAtMs, this.options.topStuck);
      const shards = await this.source.shards();
      pass.nodes = shards.map((shard) => nodeScan(shard));
      const counted: { node: string; slots: Uint8Array }[] = [];
      await bounded(shards, this.options.parallelNodes ?? 4, async (shard, i) => {
        const progress = pass.nodes[i]!;
        const slots = shard.slots;
        try {
          total.absorb(await this.scanNode(shard.reader, startedAtMs, progress, slots, shards.length === 1 && slots === null));
          progress.state = 'scanned';
          if (slots) counted.push({ node: shard.node, slots });
        } catch (error) {
          if (this.stopping || slots === null || shards.length === 1) throw error;
          progress.error = describe(error);
          progress.keysExamined = progress.keys = 0;
          const takeover = await this.takeOver(slots, startedAtMs, progress);
          if (takeover) {
            total.absorb(takeover.snapshot);
            counted.push(...takeover.counted);
            progress.state = 'taken-over';
          } else {
            progress.state = 'failed';
            total.partial(`${shard.node} failed (${progress.error}) and no master took its slots over within the pass`);
          }
        }
      });
      if (shards.some((shard) => shard.slots !== null)) await this.checkTopology(counted, total);
      const snapshot = total.finish(this.now(), pass.nodes);
      this.current = snapshot;
      this.lastPassCost = pass.cost;
      this.passes++;
      this.lastError = null;
      this.settle(number, snapshot);
      return snapshot;
    } finally {
      this.pass = null;
    }
  }

  /** One master's keys of the given slots (all on a single node), every pattern. */
  private async scanNode(
    reader: NodeReader,
    startedAtMs: number,
    progress: NodeScan,
    slots: Uint8Array | null,
    sampled = false,
  ): Promise<KeyspaceSnapshot> {
    const builder = new SnapshotBuilder(this.options.patterns, startedAtMs, this.options.topStuck);
    const owns = slots ? (key: string) => slots[keySlot(key)] === 1 : null;
    const fractions = sampled ? this.options.patterns.map(() => 0) : null;
    if (fractions && this.pass) this.pass.sample = { builder, fractions };
    // This master's last step sizes the next one's COUNT, across patterns.
    const last: { step: MeasuredStep | null } = { step: null };
    for (let index = 0; index < this.options.patterns.length; index++) {
      await this.scanPattern(reader, index, builder, owns, progress, fractions, last);
    }
    return builder.finish(this.now());
  }

  /**
   * The slots of a failed master, scanned on whichever masters own them once
   * the cluster has promoted a replica (or the master came back), each
   * counting only those slots. Null when no master took them over in time.
   */
  private async takeOver(
    slots: Uint8Array,
    startedAtMs: number,
    progress: NodeScan,
  ): Promise<{ snapshot: KeyspaceSnapshot; counted: { node: string; slots: Uint8Array }[] } | null> {
    const until = performance.now() + (this.options.takeoverWaitMs ?? 15_000);
    while (!this.stopping && performance.now() < until) {
      await pause(TAKEOVER_RETRY_MS);
      try {
        await this.source.refresh();
        const owners = (await this.source.shards())
          .map((shard) => ({ shard, mine: intersect(slots, shard.slots) }))
          .filter((o) => o.mine !== null);
        // Some slots owned by nobody: the failover is not over yet. Still the failed master's: it may
        // be back (a blip); if not, its scan fails again and the loop waits for the failover.
        if (owners.reduce((n, o) => n + count(o.mine!), 0) < count(slots)) continue;
        const part = new SnapshotBuilder(this.options.patterns, startedAtMs, this.options.topStuck);
        progress.takenOverBy = owners.map((o) => o.shard.node);
        for (const { shard, mine } of owners) part.absorb(await this.scanNode(shard.reader, startedAtMs, progress, mine));
        return { snapshot: part.finish(this.now()), counted: owners.map((o) => ({ node: o.shard.node, slots: o.mine! })) };
      } catch (error) {
        // The new owner failed as well, or the topology could not be read: start this node's slots over.
        progress.error = describe(error);
        progress.keysExamined = progress.keys = 0;
        progress.takenOverBy = [];
      }
    }
    return null;
  }

  /** Slots that changed master while the pass ran may have been missed: the pass says so. */
  private async checkTopology(counted: { node: string; slots: Uint8Array }[], total: SnapshotBuilder): Promise<void> {
    try {
      await this.source.refresh();
      const now = await this.source.shards();
      const owner = new Map(now.map((shard) => [shard.node, shard.slots]));
      const moved = counted.reduce((n, c) => {
        const current = owner.get(c.node);
        return n + count(c.slots) - (current === undefined ? 0 : count(intersect(c.slots, current) ?? EMPTY));
      }, 0);
      if (moved > 0) total.partial(`${moved} slots moved between masters during the pass`);
    } catch (error) {
      total.partial(`the topology could not be read again at the end (${describe(error)})`);
    }
  }

  private async scanPattern(
    reader: NodeReader,
    index: number,
    builder: SnapshotBuilder,
    owns: ((key: string) => boolean) | null,
    progress: NodeScan,
    fractions: number[] | null,
    last: { step: MeasuredStep | null },
  ): Promise<void> {
    const { scanCount, headBytes, stepPauseMs, classify, pacer, redisCpuSeconds } = this.options;
    const cost = this.pass?.cost ?? emptyPassCost();
    const { pattern, format } = this.options.patterns[index]!;
    const formatOf = () => format;
    let cursor = '0';
    do {
      if (this.stopping) throw new Error('scanner stopped');
      const mode = pacer?.mode(this.waiters.length > 0) ?? 'full-speed';
      const cpuBefore = redisCpuSeconds ? await redisCpuSeconds() : null;
      const stepStarted = performance.now();
      const count = pacer ? pacer.scanCount(mode, last.step, scanCount) : scanCount;
      const step = await reader.scan(pattern, cursor, count);
      cursor = step.cursor;
      builder.scanned(step.keys.length);
      progress.keysExamined += step.keys.length;
      const owned = step.keys.filter((key) => this.filter.owns(index, key) && (owns === null || owns(key)));
      const peeks = await reader.peek(owned, headBytes);
      // Timed from the step's last reply, so it runs while the batch is classified: Redis still
      // has at least stepPauseMs to itself before the next step (of this pattern or the next
      // one), and the pass loses no time to it unless classifying takes less.
      let paused = pause(stepPauseMs);
      const follow: FollowReads = async (commands) => {
        const replies = await reader.follow(commands);
        paused = pause(stepPauseMs);
        return replies;
      };
      const now = this.now();
      const entries = await examine(peeks, headBytes, now, classify, formatOf, follow);
      const stepMs = performance.now() - stepStarted;
      const cpu = cpuBefore === null ? null : (await redisCpuSeconds!()) - cpuBefore;
      last.step = { count, cpuSeconds: cpu, stepMs };
      const spent = Math.max(0, cpu ?? 0);
      cost.steps++;
      cost.stepMs += stepMs;
      cost.cpuSeconds += spent;
      this.sinceStart.steps++;
      this.sinceStart.cpuSeconds += spent;
      for (const entry of entries) builder.add(index, entry, now);
      progress.keys += entries.length;
      if (fractions) fractions[index] = scanFraction(cursor, cursor === '0');
      // Every step goes through the pacer: what a viewer's or a fresh request's step costs over the budget is owed and paid back later.
      const ms = pacer ? pacer.pauseAfterStep(mode, cpu, stepMs) : stepPauseMs;
      if (mode === 'full-speed') {
        cost.pausedMs += ms;
        await paused;
      } else {
        // A fresh request (or, after a quiet spell, a viewer) ends a paced pause; what it did not wait out is still owed.
        const waited = await this.sleep(ms, { keepAlive: true });
        cost.pausedMs += waited;
        pacer!.cutShort(ms - waited);
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

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Sleeps up to `ms`, or until woken; resolves with the time slept. */
  private sleep(ms: number, { keepAlive = false } = {}): Promise<number> {
    const from = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      // The loop between passes must not keep a script or test process alive on its own; a pass may.
      if (!keepAlive) timer.unref?.();
      const wakers = this.wakers;
      function done() {
        clearTimeout(timer);
        wakers.delete(done);
        resolve(Math.min(ms, performance.now() - from));
      }
      wakers.add(done);
    });
  }
}

const TAKEOVER_RETRY_MS = 500;
const EMPTY = new Uint8Array(0);

function nodeScan(shard: KeyspaceShard): NodeScan {
  return { node: shard.node, slots: shard.slots ? count(shard.slots) : null, state: 'scanning', keysExamined: 0, keys: 0, error: null, takenOverBy: [] };
}

function count(slots: Uint8Array): number {
  let n = 0;
  for (const bit of slots) n += bit;
  return n;
}

/** Slots in both sets, or null when none (a single node's null owns every slot). */
function intersect(a: Uint8Array, b: Uint8Array | null): Uint8Array | null {
  const both = b === null ? a.slice() : a.map((bit, slot) => bit & b[slot]!);
  return both.includes(1) ? both : null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work` over the items, at most `limit` at once; the first failure is thrown once all have settled. */
async function bounded<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      await work(items[at]!, at).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failures.length) throw failures[0];
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}

/**
 * How fast the keyspace scanner may go. Pure: it is told what each step cost
 * Redis and what time it is, and answers how long to pause.
 *
 * The cost of a step is the CPU time Redis itself reports (`INFO cpu`,
 * used_cpu_sys + used_cpu_user) from just before the step to just after it.
 * That figure includes whatever the services asked of Redis meanwhile, so it
 * is an upper bound of the scanner's own cost: when Redis is busy the
 * scanner slows down, and it never takes more than the budget.
 *
 * Pausing `cpu / budget - wall` after a step of wall time `wall` makes the
 * step's cost at most `budget` of the time from its start to the next step's.
 *
 * Three paces: the budget while nobody looks; a larger viewer budget while
 * someone has the overview open; full speed only while a request for fresh
 * figures waits. Whatever the two faster paces take beyond the budget is owed
 * and paused off afterwards, so one page view averages to the budget.
 *
 * A budget bounds the scanner's share of Redis, not how long one step holds
 * it: a SCAN runs to its end before Redis serves anyone else, and at COUNT
 * 1000 over 20M keys that took 9 ms, longer than a service's p99 claim. So a
 * paced step's SCAN COUNT is sized to about stepCpuMs of Redis CPU (see
 * scanCount); only full speed uses the configured COUNT whole.
 */
export interface PacerOptions {
  /** Share of one Redis core the scanner may use, in percent (IDEMSCOPE_REDIS_BUDGET_PERCENT). */
  budgetPercent: number;
  /** Share of one Redis core while a viewer is active (IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT). */
  viewerBudgetPercent: number;
  /** A viewer who asked for the overview this recently gets the viewer budget. */
  viewerWindowMs: number;
  /** The pause between steps at full speed (IDEMSCOPE_SCAN_STEP_PAUSE_MS). */
  stepPauseMs: number;
  /** Longest pause after one step, so that a viewer's arrival is not waited out for long. */
  maxStepPauseMs: number;
  /** Pause between passes while a viewer is active (IDEMSCOPE_SCAN_INTERVAL_SECONDS). */
  intervalMs: number;
  /** Pause between passes with no viewer: the keep-alive cadence (IDEMSCOPE_SCAN_KEEPALIVE_SECONDS). */
  keepAliveMs: number;
  /** Redis CPU a paced step aims at, in ms; default PACED_STEP_CPU_MS. */
  stepCpuMs?: number;
  clock?: () => number;
}

/** About what a service's claim may wait behind one paced step (see scanCount). */
export const PACED_STEP_CPU_MS = 1;
/** A paced walk's first COUNT, before any step was measured; it grows at most twofold per step. */
const FIRST_PACED_COUNT = 100;
/** Redis's default COUNT, and IDEMSCOPE_SCAN_COUNT's lower bound. */
const MIN_SCAN_COUNT = 10;

/** The step the next COUNT is sized from. cpuSeconds null: not measured. */
export interface MeasuredStep {
  count: number;
  cpuSeconds: number | null;
  stepMs: number;
}

/** Unmeasured, a step is taken to have kept Redis busy all along: the most cautious reading. */
const stepCpuSeconds = (cpuSeconds: number | null, stepMs: number) => (cpuSeconds === null ? stepMs / 1000 : Math.max(0, cpuSeconds));

export type PaceMode = 'full-speed' | 'viewer' | 'budget';

/** What a pass cost Redis, summed over its steps. */
export interface PassCost {
  steps: number;
  /** Redis CPU seconds measured across the steps (an upper bound of the scanner's share, see above). */
  cpuSeconds: number;
  /** Wall time of the steps themselves, pauses excluded. */
  stepMs: number;
  /** Time spent pausing between steps. */
  pausedMs: number;
}

export const emptyPassCost = (): PassCost => ({ steps: 0, cpuSeconds: 0, stepMs: 0, pausedMs: 0 });

export class ScanPacer {
  private lastViewerMs = Number.NEGATIVE_INFINITY;
  /**
   * Pause the budget is still owed by steps run faster than it (for a viewer
   * or a fresh request): their CPU over the budget, minus the time they and
   * any pause since took. Repaid before the next budgeted step, so a viewer's
   * passes are paid back once nobody looks and the long-run share stays
   * within the budget. At most keepAliveMs: after a long incident the scanner
   * falls silent for no longer than its keep-alive cadence. One page view
   * owes far less at the default budgets (a minute at 10 % repaid at 2 %:
   * four minutes).
   */
  private owedMs = 0;
  private readonly now: () => number;

  constructor(readonly options: PacerOptions) {
    this.now = options.clock ?? Date.now;
  }

  get budgetFraction(): number {
    return this.options.budgetPercent / 100;
  }

  /** Someone asked for the overview; returns true when nobody had within the viewer window. */
  noteViewer(): boolean {
    const returning = !this.viewerActive();
    this.lastViewerMs = this.now();
    return returning;
  }

  viewerActive(): boolean {
    return this.now() - this.lastViewerMs < this.options.viewerWindowMs;
  }

  /** Full speed while a request waits for a fresh pass; the viewer budget while a viewer is active; else the budget. */
  mode(freshWanted: boolean): PaceMode {
    if (freshWanted) return 'full-speed';
    return this.viewerActive() ? 'viewer' : 'budget';
  }

  /**
   * The pause after a step that cost Redis `cpuSeconds` (null: not measured,
   * e.g. INFO refused by an ACL) and took `stepMs` of wall time.
   */
  pauseAfterStep(mode: PaceMode, cpuSeconds: number | null, stepMs: number): number {
    const { stepPauseMs, maxStepPauseMs } = this.options;
    const cost = stepCpuSeconds(cpuSeconds, stepMs);
    const due = (cost * 1000) / this.budgetFraction - stepMs;
    if (mode === 'full-speed') {
      this.addOwed(due - stepPauseMs);
      return stepPauseMs;
    }
    if (mode === 'viewer') {
      const viewerDue = (cost * 1000) / (this.options.viewerBudgetPercent / 100) - stepMs;
      const pause = Math.min(maxStepPauseMs, Math.max(stepPauseMs, Math.ceil(viewerDue)));
      this.addOwed(due - pause);
      return pause;
    }
    const pause = Math.min(maxStepPauseMs, Math.max(stepPauseMs, Math.ceil(due + this.owedMs)));
    this.addOwed(due - pause);
    return pause;
  }

  /**
   * The COUNT hint of the next SCAN: at full speed the configured `maxCount`;
   * paced, the count that would have made the last step cost Redis about
   * stepCpuMs (a step's CPU follows its COUNT: the buckets SCAN visits, the
   * keys read after it), growing at most twofold per step so one cheap step
   * does not make the next a long one. Between MIN_SCAN_COUNT and maxCount.
   */
  scanCount(mode: PaceMode, last: MeasuredStep | null, maxCount: number): number {
    if (mode === 'full-speed') return maxCount;
    if (last === null) return Math.min(maxCount, FIRST_PACED_COUNT);
    const costMs = stepCpuSeconds(last.cpuSeconds, last.stepMs) * 1000;
    const target = this.options.stepCpuMs ?? PACED_STEP_CPU_MS;
    const fitting = costMs > 0 ? Math.floor((last.count * target) / costMs) : Number.POSITIVE_INFINITY;
    return Math.max(Math.min(MIN_SCAN_COUNT, maxCount), Math.min(maxCount, 2 * last.count, fitting));
  }

  /** Pause before the next pass (see idled: it repays what full-speed steps owe). */
  pauseBetweenPasses(freshWanted: boolean): number {
    if (freshWanted) return 0;
    return this.viewerActive() ? this.options.intervalMs : this.options.keepAliveMs;
  }

  /** Time the scanner spent idle (between passes) repays the budget. */
  idled(ms: number): void {
    this.addOwed(-ms);
  }

  /** A budgeted pause ended `ms` early (a viewer came, or the scanner stops): that time is still owed. */
  cutShort(ms: number): void {
    this.addOwed(ms);
  }

  /** What steps faster than the budget still owe it, in ms of pause. */
  get owed(): number {
    return this.owedMs;
  }

  private addOwed(ms: number): void {
    this.owedMs = Math.min(this.options.keepAliveMs, Math.max(0, this.owedMs + ms));
  }

  /**
   * How long a pass that cost `cost` would take under a budget (the
   * background one unless told): its steps' wall time, or its Redis CPU over
   * the budget where that is longer (what the pauses stretch a pass to). Null
   * before any step was measured.
   */
  passMsAtBudget(cost: PassCost, percent = this.options.budgetPercent): number | null {
    if (cost.steps === 0) return null;
    return Math.round(Math.max(cost.stepMs, (cost.cpuSeconds * 1000) / (percent / 100)));
  }
}

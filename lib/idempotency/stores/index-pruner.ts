/** One page of the in-flight index, oldest first, and pruning of the members of a page. */
export interface IndexPages {
  page(start: number, count: number): Promise<string[]>;
  /** Takes out those of `members` whose key is gone or no longer in flight; returns how many. */
  prune(members: string[]): Promise<number>;
}

export interface IndexPrunerOptions {
  /** Least time between two background steps. */
  intervalMs: number;
  /** Most members one step checks: one script call over that many keys. */
  batch: number;
  clock?: () => number;
}

/**
 * Sweeps the in-flight index for members whose key has gone (a claim whose
 * consumer died, left to expire), a page of `batch` members per step and at
 * most one step per `intervalMs`, from the oldest round to the newest and
 * again. A consumer's own traffic drives it (see RedisStore), so the work is
 * bounded per call and paced however many messages flow; an idle store's
 * leftovers are removed by the next consumer that starts, or by the
 * dashboard reading past them (it never lists a member whose key is gone).
 */
export class IndexPruner {
  private cursor = 0;
  private lastStepMs = Number.NEGATIVE_INFINITY;
  private stepping: Promise<number> | null = null;
  private readonly now: () => number;

  constructor(
    private readonly pages: IndexPages,
    private readonly options: IndexPrunerOptions,
  ) {
    this.now = options.clock ?? Date.now;
  }

  /** Starts a step in the background if the last one is at least intervalMs old; never throws. */
  maybeStep(): void {
    if (this.stepping || this.now() - this.lastStepMs < this.options.intervalMs) return;
    // Housekeeping: a failed step is tried again an interval later, and never fails a claim.
    void this.step().catch(() => undefined);
  }

  /** One step now (or the one under way); resolves with how many members it took out. */
  step(): Promise<number> {
    if (this.stepping) return this.stepping;
    this.lastStepMs = this.now();
    this.stepping = this.sweep().finally(() => {
      this.stepping = null;
    });
    return this.stepping;
  }

  private async sweep(): Promise<number> {
    const members = await this.pages.page(this.cursor, this.options.batch);
    const removed = members.length ? await this.pages.prune(members) : 0;
    // Members before the cursor that were taken out shift the rest down by as many.
    this.cursor = members.length < this.options.batch ? 0 : this.cursor + members.length - removed;
    return removed;
  }
}

/**
 * Short-lived, single-flight results for the aggregates every open
 * dashboard polls (Postgres counts, delivery windows). Within `ttlMs` all
 * requests share one computation, so the work on the stores grows with
 * time, not with the number of viewers. A failure is not kept.
 */
export class Memo {
  private readonly entries = new Map<string, { atMs: number; value: unknown }>();
  private readonly pending = new Map<string, Promise<{ value: unknown; computedAtMs: number }>>();
  /** The last success of each key, whatever its age: what a stale figure shows while its store does not answer. */
  private readonly lastGood = new Map<string, { value: unknown; computedAtMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<{ value: T; computedAtMs: number }> {
    const entry = this.entries.get(key);
    if (entry && ttlMs > 0 && this.now() - entry.atMs < ttlMs) return { value: entry.value as T, computedAtMs: entry.atMs };
    const running = this.pending.get(key);
    if (running) return running as Promise<{ value: T; computedAtMs: number }>;
    const computedAtMs = this.now();
    const promise = compute()
      .then((value) => {
        if (ttlMs > 0) this.keep(key, computedAtMs, value, ttlMs);
        if (this.lastGood.size < MAX_ENTRIES || this.lastGood.has(key)) this.lastGood.set(key, { value, computedAtMs });
        return { value: value as unknown, computedAtMs };
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise as Promise<{ value: T; computedAtMs: number }>;
  }

  /** Computes `key` anew (or joins a computation under way) and keeps the result for the requests that follow. */
  refresh<T>(key: string, ttlMs: number, compute: () => Promise<T>): Promise<{ value: T; computedAtMs: number }> {
    this.entries.delete(key);
    return this.get(key, ttlMs, compute);
  }

  /** The last value computed for `key`, however old; null when none ever was. */
  last<T>(key: string): { value: T; computedAtMs: number } | null {
    return (this.lastGood.get(key) as { value: T; computedAtMs: number } | undefined) ?? null;
  }

  private keep(key: string, atMs: number, value: unknown, ttlMs: number): void {
    this.entries.set(key, { atMs, value });
    // Keys that embed a time (e.g. the current hour) would otherwise pile up.
    if (this.entries.size > MAX_ENTRIES) {
      for (const [k, e] of this.entries) if (atMs - e.atMs >= ttlMs) this.entries.delete(k);
    }
  }
}

const MAX_ENTRIES = 64;

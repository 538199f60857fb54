export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * In-process sliding-window limiter: at most `limit` hits per key per window.
 * Per process on purpose, so a limiter never writes to the stores being
 * inspected; behind several dashboard replicas the effective limit multiplies.
 * The number of keys is capped so that spoofed keys cannot grow memory.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, now = Date.now()): RateDecision {
    const since = now - this.windowMs;
    // Stryker disable next-line ArrayDeclaration: a key's first hit finds no list, and any list of non-times filters to the same empty one
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return { allowed: true };
  }
}

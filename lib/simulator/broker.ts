/**
 * An in-memory at-least-once broker for one consumer group: deliveries can
 * be delayed (redelivery after a failure or a crash) and recent messages can
 * be replayed, as a rebalance does when offsets were not yet committed.
 */
export interface Delivery<M> {
  message: M;
  /** 1 for the first delivery of this publish; redeliveries count up. */
  attempt: number;
}

export class Broker<M> {
  private readonly ready: Delivery<M>[] = [];
  private readonly waiters: ((delivery: Delivery<M> | null) => void)[] = [];
  private readonly recent: M[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly replayWindow: number) {}

  publish(message: M, attempt = 1): void {
    if (attempt === 1) {
      this.recent.push(message);
      if (this.recent.length > this.replayWindow) this.recent.shift();
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter({ message, attempt });
    else this.ready.push({ message, attempt });
  }

  redeliverLater(delivery: Delivery<M>, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.publish(delivery.message, delivery.attempt + 1);
    }, delayMs);
    this.timers.add(timer);
  }

  /** Replays the last `count` messages published, returning how many. */
  replay(count: number): number {
    const batch = this.recent.slice(-count);
    for (const message of batch) this.publish(message, 2);
    return batch.length;
  }

  /** Resolves with the next delivery, or null once the broker is closed and drained. */
  next(): Promise<Delivery<M> | null> {
    const delivery = this.ready.shift();
    if (delivery) return Promise.resolve(delivery);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Nothing ready and nothing scheduled for redelivery. */
  get idle(): boolean {
    return this.ready.length === 0 && this.timers.size === 0;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }
}

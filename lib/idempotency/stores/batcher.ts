export interface BatcherOptions {
  /** Most requests one batch carries. */
  maxSize: number;
  /** Most batches running at once; further requests queue and go out together when one returns. */
  maxConcurrent: number;
}

interface Pending<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

/**
 * Coalesces requests into batches without adding a wait: a request goes out
 * on the next tick when a batch slot is free, so an idle store sends batches
 * of one, and a busy one sends whatever queued while its slots were taken.
 * Requests with the same `conflictKey`, when one is given, never share a
 * batch (one SQL statement may not touch the same row twice).
 */
export class Batcher<In, Out> {
  private queue: Pending<In, Out>[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly execute: (inputs: In[]) => Promise<Out[]>,
    private readonly options: BatcherOptions,
    private readonly conflictKey?: (input: In) => string,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    process.nextTick(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.running < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.take();
      this.running++;
      this.execute(batch.map((p) => p.input))
        .then(
          (outputs) => batch.forEach((p, i) => p.resolve(outputs[i]!)),
          (error: unknown) => batch.forEach((p) => p.reject(error)),
        )
        .finally(() => {
          this.running--;
          this.schedule();
        });
    }
  }

  private take(): Pending<In, Out>[] {
    const batch: Pending<In, Out>[] = [];
    const rest: Pending<In, Out>[] = [];
    const keys = new Set<string>();
    for (const pending of this.queue) {
      const key = this.conflictKey?.(pending.input);
      if (batch.length < this.options.maxSize && (key === undefined || !keys.has(key))) {
        if (key !== undefined) keys.add(key);
        batch.push(pending);
      } else {
        rest.push(pending);
      }
    }
    this.queue = rest;
    return batch;
  }
}

import type { RedisReadStore } from '../../lib/stores/redis/read-store';

/**
 * Holds the dashboard's scanner between two of its steps, without stopping
 * it: its pass, cursor and pacer carry on where they were once the gate
 * opens. Stopping and restarting would begin a new pass each time, walking
 * the same first buckets again, warm in Redis's caches, which is not what a
 * long pass over a large keyspace does.
 *
 * A paced step reads Redis's CPU just before and just after itself
 * (scanner.ts scanPattern), one step at a time, so the gate holds every
 * other reading: a step waits before it starts, never between its two
 * readings, where the wait would count as the step's cost. A step that
 * failed between its readings would put that count out of step; the bench
 * prints a failed pass beside the phase's figures.
 */
export interface ScannerGate {
  store: RedisReadStore;
  open(): void;
  close(): void;
  /** Time the gate has stood open, so a share over the phase can be read as a share while running. */
  openSeconds(): number;
}

export function gatedReadStore(store: RedisReadStore): ScannerGate {
  let opened: Promise<void> | null = null;
  let release = () => {};
  let beforeStep = true;
  let openedAt: number | null = null;
  let openMs = 0;
  const cpuSeconds = async () => {
    const before = beforeStep;
    beforeStep = !beforeStep;
    if (before && opened) await opened;
    return store.cpuSeconds();
  };
  return {
    store: { ...store, cpuSeconds },
    open() {
      release();
      opened = null;
      openedAt ??= performance.now();
    },
    close() {
      if (!opened) opened = new Promise((resolve) => (release = resolve));
      if (openedAt !== null) openMs += performance.now() - openedAt;
      openedAt = null;
    },
    openSeconds: () => (openMs + (openedAt === null ? 0 : performance.now() - openedAt)) / 1000,
  };
}

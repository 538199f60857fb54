import { pipeToRedis, resp } from './resp';

export interface BullmqDataset {
  /** The IDEMSCOPE_KEY_PATTERNS entry that reads them. */
  entry: string;
  pattern: string;
  keys: number;
  /** How many dedup keys the loader put in each state; the scanner must count the same. */
  byState: { processing: number; stuck: number; completed: number; failed: number };
}

/**
 * BullMQ deduplication keys in BullMQ's own layout, spread over 16 queues:
 * `<prefix>bull:q<n>:de:<id>` holding a job id, the job hash, its lock, and
 * the queue's state lists and sets, in the states a busy system has (mostly
 * finished throttle jobs, then waiting, delayed, active, stalled, strays).
 * Written with redis-cli --pipe rather than bullmq, which would take minutes
 * for a million jobs; tests/stores/formats checks the layout against bullmq itself.
 */
export async function loadBullmqDataset(spec: { url: string; prefix: string; keys: number; nowMs: number }): Promise<BullmqDataset> {
  const { prefix, nowMs } = spec;
  const root = `${prefix}bull`;
  const data: BullmqDataset = {
    entry: `${root}:*:de:*=bullmq`,
    pattern: `${root}:*:de:*`,
    keys: spec.keys,
    byState: { processing: 0, stuck: 0, completed: 0, failed: 0 },
  };
  // Active lists as long as a worker pool's concurrency: 50 jobs per queue at most.
  let activeLeft = 16 * 50;
  function* commands(): Generator<string> {
    for (let i = 0; i < spec.keys; i++) {
      const base = `${root}:q${i % 16}:`;
      const id = String(i);
      const job = base + id;
      const dedup = `${base}de:d${i}`;
      const slot = i % 100;
      const added = String(nowMs - 120_000);
      const started = String(nowMs - 60_000);
      const finished = String(nowMs - 30_000);
      if (slot < 40) {
        yield resp(['SET', dedup, id, 'PX', '3600000']);
        yield resp(['HSET', job, 'timestamp', added, 'processedOn', started, 'finishedOn', finished, 'atm', '1', 'returnvalue', '"ok"']);
        yield resp(['ZADD', `${base}completed`, finished, id]);
        data.byState.completed++;
      } else if (slot < 45) {
        yield resp(['SET', dedup, id, 'PX', '3600000']);
        yield resp(['HSET', job, 'timestamp', added, 'processedOn', started, 'finishedOn', finished, 'atm', '3', 'failedReason', 'declined']);
        yield resp(['ZADD', `${base}failed`, finished, id]);
        data.byState.failed++;
      } else if (slot < 65) {
        yield resp(['SET', dedup, id]);
        yield resp(['HSET', job, 'timestamp', added, 'atm', '0']);
        yield resp(['LPUSH', `${base}wait`, id]);
        data.byState.processing++;
      } else if (slot < 75) {
        yield resp(['SET', dedup, id]);
        yield resp(['HSET', job, 'timestamp', added, 'delay', '3600000', 'atm', '0']);
        yield resp(['ZADD', `${base}delayed`, String(nowMs + 3_600_000), id]);
        data.byState.processing++;
      } else if (slot < 80) {
        yield resp(['SET', dedup, id]);
        yield resp(['HSET', job, 'timestamp', added, 'priority', '5', 'atm', '0']);
        yield resp(['ZADD', `${base}prioritized`, '5', id]);
        data.byState.processing++;
      } else if (slot < 90) {
        // Active: the active list of a real queue is as long as its workers' concurrency, so only a few per queue.
        const live = slot < 88;
        yield resp(['SET', dedup, id]);
        yield resp(['HSET', job, 'timestamp', added, 'processedOn', started, 'atm', '0']);
        if (activeLeft-- > 0) {
          yield resp(['LPUSH', `${base}active`, id]);
          if (live) yield resp(['SET', `${job}:lock`, 'token', 'PX', '3600000']);
          if (live) data.byState.processing++;
          else data.byState.stuck++;
        } else {
          // Beyond the concurrency: back in wait, as BullMQ's stall checker puts them.
          yield resp(['LPUSH', `${base}wait`, id]);
          data.byState.processing++;
        }
      } else if (slot < 95) {
        yield resp(['SET', dedup, id]);
        yield resp(['HSET', job, 'timestamp', added, 'processedOn', started, 'finishedOn', finished, 'atm', '1']);
        yield resp(['ZADD', `${base}completed`, finished, id]);
        data.byState.stuck++;
      } else {
        // The job is gone.
        yield resp(['SET', dedup, id]);
        data.byState.stuck++;
      }
    }
  }
  await pipeToRedis(spec.url, commands());
  return data;
}

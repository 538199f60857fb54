import { createHash } from 'node:crypto';
import { statsField, statsKey } from '../../lib/idempotency/stats-keys';
import { emptyFormatCounts, type RecordFormat } from '../../lib/records/states';
import { pipeToRedis, resp } from './resp';

export interface RedisDatasetSpec {
  url: string;
  prefix: string;
  keys: number;
  nowMs: number;
}

export interface RedisDataset {
  patterns: string[];
  statsPrefix: string;
  keys: number;
  byFormat: Record<RecordFormat, number>;
  inFlight: number;
  noExpiry: number;
  large: number;
  /** Every 5,000th key, for lookups. */
  samples: string[];
}

const CONSUMERS = ['billing', 'shipping', 'email', 'ledger'];

/** A cheap deterministic spread of i, so the dataset is the same on every run. */
function spread(i: number): number {
  return Math.imul(i ^ 0x9e3779b9, 2654435761) >>> 0;
}

function result(i: number, large: boolean): Record<string, unknown> {
  const base = { orderId: i, status: 'shipped', amount: (i % 9973) / 100, customer: { id: `c-${i % 50_000}`, email: `user${i % 50_000}@example.com` } };
  return large ? { ...base, lines: Array.from({ length: 60 }, (_, n) => ({ sku: `SKU-${n}-${i % 97}`, qty: n % 5, note: 'x'.repeat(40) })) } : base;
}

/**
 * 1,000,000 dedup keys in the three formats the dashboard reads, 10 % of
 * them in flight (about half of those stuck), 1 % without TTL, 0.1 % with a
 * result over 4 KB and 0.5 % unrecognized (text and hashes), plus two days
 * of the library's counter hashes. Written with redis-cli --pipe.
 */
export async function loadRedisDataset(spec: RedisDatasetSpec): Promise<RedisDataset> {
  const { prefix, nowMs } = spec;
  const dataset: RedisDataset = {
    patterns: [`${prefix}idempotency:*=plain`, `${prefix}*#*=powertools`],
    statsPrefix: `${prefix}stats:`,
    keys: spec.keys,
    byFormat: emptyFormatCounts(),
    inFlight: 0,
    noExpiry: 0,
    large: 0,
    samples: [],
  };

  function* commands(): Generator<string> {
    for (let i = 0; i < spec.keys; i++) {
      const h = spread(i);
      const slot = i % 1000;
      const inFlight = h % 10 === 0;
      const noExpiry = h % 100 === 7;
      const large = h % 1000 === 3;
      const ageMs = (h >>> 8) % 600_000;
      const consumer = CONSUMERS[i % CONSUMERS.length]!;
      let key: string;
      let value: string;
      let ttl = 86_400;
      let format: RecordFormat;
      if (slot < 450) {
        format = 'plain';
        key = `${prefix}idempotency:p:${i}`;
        if (inFlight) {
          value = 'processing';
          ttl = 86_400 - Math.floor(ageMs / 1000);
        } else value = JSON.stringify(result(i, large));
      } else if (slot < 850) {
        format = 'idemscope';
        key = `${prefix}idempotency:i:${i}`;
        const startedAt = nowMs - ageMs;
        value = inFlight
          ? JSON.stringify({ fmt: 'idemscope', v: 1, status: 'processing', owner: `o-${h.toString(36)}`, consumer, startedAt, leaseExpiresAt: startedAt + 30_000 })
          : JSON.stringify({ fmt: 'idemscope', v: 1, status: 'completed', consumer, startedAt, completedAt: startedAt + 40, result: result(i, large) });
        if (inFlight) ttl = 3_600;
      } else if (slot < 995) {
        format = 'powertools';
        // Powertools keys: `<function>#<md5 of the event, base64>`, values as its cache persistence layer writes them.
        key = `${prefix}fn-${i % 8}#${createHash('md5').update(`{"orderId":${i}}`).digest('base64')}`;
        const expiration = Math.floor(nowMs / 1000) + (h % 50 === 1 ? -60 : 3_600);
        value = inFlight
          ? JSON.stringify({ status: 'INPROGRESS', expiration, in_progress_expiration: nowMs + (h % 2 ? 60_000 : -60_000) })
          : JSON.stringify({ status: 'COMPLETED', expiration, data: result(i, large) });
        ttl = 3_600;
      } else {
        format = 'unknown';
        key = `${prefix}idempotency:x:${i}`;
        if (i % 2) {
          dataset.byFormat.unknown++;
          yield resp(['HSET', key, 'field', String(i)]);
          if (!noExpiry) yield resp(['EXPIRE', key, '3600']);
          else dataset.noExpiry++;
          continue;
        }
        value = `garbage ${i} \u0001`;
      }
      dataset.byFormat[format]++;
      if (inFlight && format !== 'unknown') dataset.inFlight++;
      if (large && format !== 'unknown') dataset.large++;
      if (i % 5000 === 0) dataset.samples.push(key);
      if (noExpiry) {
        dataset.noExpiry++;
        yield resp(['SET', key, value]);
      } else yield resp(['SET', key, value, 'EX', String(ttl)]);
    }
    // Two days of minute hashes and eight days of hour hashes, as the library's Lua keeps them.
    for (const [granularity, seconds, count] of [
      ['m', 60, 2 * 1440],
      ['h', 3600, 8 * 24],
    ] as const) {
      const newest = Math.floor(nowMs / 1000 / seconds) * seconds;
      for (let n = 0; n < count; n++) {
        const start = newest - n * seconds;
        const fields: string[] = [];
        for (const consumer of CONSUMERS) {
          const deliveries = (granularity === 'm' ? 600 : 36_000) + (n % 7) * 10;
          const duplicates = Math.floor(deliveries / 20);
          fields.push(
            statsField(consumer, 'deliveries'), String(deliveries),
            statsField(consumer, 'first'), String(deliveries - duplicates),
            statsField(consumer, 'duplicates'), String(duplicates),
            statsField(consumer, 'failures'), String(Math.floor(deliveries / 100)),
          );
        }
        const key = statsKey(dataset.statsPrefix, granularity, start);
        yield resp(['HSET', key, ...fields]);
        yield resp(['EXPIRE', key, String(granularity === 'm' ? 2 * 86_400 : 8 * 86_400)]);
      }
    }
  }

  await pipeToRedis(spec.url, commands());
  return dataset;
}

import { RECORD_STATES, type RecordState, type StoreName } from '../../records/states';
import { bucketsOf } from '../deliveries/cover';
import { readRedisBuckets } from '../deliveries/redis-counters';
import type { DashboardDeps } from '../deps';
import { postgresHealth, redisHealth } from '../health';
import { sharedRowCounts } from '../row-counts';
import type { RowCounts } from '../../stores/postgres/counts';
import { render, type MetricFamily, type Sample } from './exposition';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type StateCounts = Partial<Record<RecordState, { value: number; estimated: boolean }>>;

function postgresStates(c: RowCounts): StateCounts {
  return { processing: c.processing, stuck: c.stuck, completed: c.completed, failed: c.failed, expired: c.expired };
}

/**
 * GET /api/metrics. Gauges come from the scanner snapshot (Redis) and the
 * bounded counts (Postgres); a store that cannot be read is left out rather
 * than reported as zero, and so are the snapshot's gauges while Redis does
 * not answer (idemscope_snapshot_age_seconds still says how old it is).
 * Counters: see DeliveryCounterTracker, and the scanner's own work, so that
 * its Redis budget can be checked on the operator's graphs.
 */
export async function getMetrics(deps: DashboardDeps): Promise<string> {
  deps.scanner.start();
  const nowMs = deps.now();
  const snapshot = deps.scanner.snapshot;
  const window = deps.counters.window(nowMs);
  const minutes = bucketsOf('m', window.fromMs, window.toMs);
  const [redisUp, postgresUp, pgCounts, redisBuckets, pgBuckets] = await Promise.all([
    redisHealth(deps),
    postgresHealth(deps),
    sharedRowCounts(deps, nowMs)
      .then((r) => r.value)
      .catch(() => null),
    readRedisBuckets(deps.redis, deps.config.statsPrefix, minutes).catch(() => null),
    deps.postgres.deliveryBuckets(window, 60, true).catch(() => null),
  ]);
  if (redisBuckets) deps.counters.observe('redis', redisBuckets);
  if (pgBuckets) deps.counters.observe('postgres', pgBuckets);
  deps.counters.finish(nowMs);

  const states: Partial<Record<StoreName, StateCounts>> = {};
  // A snapshot of a Redis that no longer answers is stale: its gauges stop rather than repeat old values as current.
  const redisLive = snapshot !== null && redisUp.reachable;
  if (snapshot && redisLive) {
    states.redis = Object.fromEntries(RECORD_STATES.filter((s) => s !== 'failed').map((s) => [s, { value: snapshot.byState[s], estimated: false }]));
  }
  if (pgCounts) states.postgres = postgresStates(pgCounts);

  const perStore = (pick: (c: StateCounts) => number | null): Sample[] =>
    (Object.entries(states) as [StoreName, StateCounts][]).flatMap(([store, c]) => {
      const value = pick(c);
      return value === null ? [] : [{ labels: { store }, value }];
    });
  const v = (c: StateCounts, s: RecordState) => c[s]?.value ?? 0;
  const totals = deps.counters.current();
  const spent = deps.scanner.status().costSinceStart;

  const families: MetricFamily[] = [
    {
      name: 'idemscope_store_up',
      help: 'Whether the store answered its last probe.',
      type: 'gauge',
      samples: [
        { labels: { store: 'redis' }, value: redisUp.reachable ? 1 : 0 },
        { labels: { store: 'postgres' }, value: postgresUp.reachable ? 1 : 0 },
      ],
    },
    {
      name: 'idemscope_records',
      help: 'Dedup records by state. Redis from the last complete keyspace pass; Postgres exact up to a bound, else a planner estimate (see idemscope_records_estimated).',
      type: 'gauge',
      samples: (Object.entries(states) as [StoreName, StateCounts][]).flatMap(([store, c]) =>
        (Object.entries(c) as [RecordState, { value: number }][]).map(([state, n]) => ({ labels: { store, state }, value: n.value })),
      ),
    },
    {
      name: 'idemscope_records_estimated',
      help: '1 where the matching idemscope_records sample is an estimate.',
      type: 'gauge',
      samples: (Object.entries(states) as [StoreName, StateCounts][]).flatMap(([store, c]) =>
        (Object.entries(c) as [RecordState, { estimated: boolean }][]).map(([state, n]) => ({ labels: { store, state }, value: n.estimated ? 1 : 0 })),
      ),
    },
    { name: 'idemscope_in_flight', help: 'Records in flight (processing + stuck).', type: 'gauge', samples: perStore((c) => v(c, 'processing') + v(c, 'stuck')) },
    { name: 'idemscope_stuck', help: 'In-flight records past IDEMSCOPE_STUCK_AFTER_SECONDS or their lease.', type: 'gauge', samples: perStore((c) => v(c, 'stuck')) },
    { name: 'idemscope_expired', help: 'Records past their expiry or retention that are still stored.', type: 'gauge', samples: perStore((c) => v(c, 'expired')) },
    {
      name: 'idemscope_no_expiry',
      help: 'Redis dedup keys without a TTL.',
      type: 'gauge',
      samples: snapshot && redisLive ? [{ labels: { store: 'redis' }, value: snapshot.noExpiry }] : [],
    },
    {
      name: 'idemscope_snapshot_age_seconds',
      help: 'Age of the keyspace snapshot the Redis gauges come from.',
      type: 'gauge',
      samples: snapshot ? [{ labels: {}, value: Math.max(0, Math.round((nowMs - snapshot.completedAtMs) / 1000)) }] : [],
    },
    {
      name: 'idemscope_scanner_steps_total',
      help: 'SCAN steps the keyspace scanner sent to Redis since this dashboard process started.',
      type: 'counter',
      samples: [{ labels: {}, value: spent.steps }],
    },
    {
      name: 'idemscope_scanner_redis_cpu_seconds_total',
      help:
        "Redis CPU seconds (INFO cpu) from just before to just after each scanner step, since this dashboard process started. " +
        'It includes what services asked of Redis meanwhile, so its rate is an upper bound of the share of a Redis core the scanner takes (on a cluster, of the busiest master): compare it with IDEMSCOPE_REDIS_BUDGET_PERCENT / 100.',
      type: 'counter',
      samples: spent.cpuSeconds === null ? [] : [{ labels: {}, value: spent.cpuSeconds }],
    },
    {
      name: 'idemscope_deliveries_total',
      help: 'Deliveries counted by the library, since this dashboard process started watching.',
      type: 'counter',
      samples: totals.map((t) => ({ labels: { store: t.store, consumer: t.consumer }, value: t.deliveries })),
    },
    {
      name: 'idemscope_duplicates_total',
      help: 'Duplicate deliveries counted by the library, since this dashboard process started watching.',
      type: 'counter',
      samples: totals.map((t) => ({ labels: { store: t.store, consumer: t.consumer }, value: t.duplicates })),
    },
    {
      name: 'idemscope_failures_total',
      help: 'Handler failures counted by the library, since this dashboard process started watching.',
      type: 'counter',
      samples: totals.map((t) => ({ labels: { store: t.store, consumer: t.consumer }, value: t.failures })),
    },
  ];
  return render(families);
}

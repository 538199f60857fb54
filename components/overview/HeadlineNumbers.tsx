import Link from 'next/link';
import type { DeliveryWindow, OverviewResponse } from '@/lib/contract/read';
import type { RecordState } from '@/lib/contract/vocabulary';
import { type Combined, headlineFigures } from '@/lib/charts/headlineFigures';
import { formatCount, formatRate } from '@/lib/charts/format';
import { explorerHref } from '@/components/explorer/links';
import { Estimate } from '@/components/ui/Estimate';
import { FreshnessNote, notLive } from '@/components/ui/FreshnessNote';
import { stuckRuleText } from '@/components/ui/StuckDefinition';
import { Stat } from './Stat';

/** A store's share, linked to that store's records in the state the figure counts. */
function Share({ store, value, state }: { store: 'redis' | 'postgres'; value: number | null; state?: RecordState }) {
  const text = `${STORE_LABELS[store]} ${formatCount(value)}`;
  return state && value ? <Link href={explorerHref({ store, state })}>{text}</Link> : <>{text}</>;
}

/**
 * Where a figure summed over both stores leads: the Explorer lists one store
 * at a time, so the total opens the first store holding any (each share in the
 * hint links to its own store).
 */
function combinedHref(figure: Combined, state: RecordState): string | undefined {
  if (figure.redis) return explorerHref({ store: 'redis', state });
  if (figure.postgres) return explorerHref({ store: 'postgres', state });
  return undefined;
}

function storeSplit(figure: Combined, state?: RecordState) {
  return (
    <>
      <Share store="redis" value={figure.redis} state={state} /> · <Share store="postgres" value={figure.postgres} state={state} />{' '}
      <Estimate show={figure.estimated} />
      {figure.partial ? ' · partial total' : null}
    </>
  );
}

const STORE_LABELS = { redis: 'Redis', postgres: 'Postgres' } as const;

/** Counters from one store only must not pass for the whole picture. */
function storesNote(window: DeliveryWindow): string {
  const missing = window.missing ?? [];
  if (missing.length) return ` · ${STORE_LABELS[window.stores[0]!] ?? 'no'} counters only: ${missing.map((s) => STORE_LABELS[s]).join(', ')} not answering`;
  return window.stores.length === 1 ? ` · ${STORE_LABELS[window.stores[0]!]} counters only` : '';
}

/** Deliveries are counters, not records: their figures lead to the chart and its table. */
const CHART = { href: '#duplicate-rate', hrefTitle: 'Show the duplicate rate over time, with its numbers' };

function DeliveryStats({ window, label }: { window: DeliveryWindow | null; label: string }) {
  const id = label.replace(/\s/g, '');
  return (
    <>
      <Stat label={`Deliveries · last ${label}`} value={formatCount(window?.total)} testId={`deliveries-${id}`} {...CHART} />
      <Stat
        label={`Duplicates · last ${label}`}
        value={formatCount(window?.duplicates)}
        hint={window ? `${formatCount(window.failures)} failures${storesNote(window)}` : null}
        testId={`duplicates-${id}`}
        {...CHART}
      />
      <Stat
        label={`Duplicate rate · last ${label}`}
        value={formatRate(window?.duplicateRate)}
        hint={window?.total === 0 ? 'no deliveries' : null}
        testId={`duplicate-rate-${id}`}
        {...CHART}
      />
    </>
  );
}

/** Redis counts come from a background keyspace pass; until the first one ends there is nothing honest to show. */
function SnapshotPending({ overview }: { overview: OverviewResponse }) {
  const { reachable, snapshot } = overview.redis;
  if (!reachable || snapshot.status !== 'none') return null;
  const estimate = overview.redis.estimate;
  const onCluster = (snapshot.nodes ?? []).some((node) => node.slots !== null);
  return (
    <p className="notice" role="status" data-testid="snapshot-pending">
      Redis counts appear when the first keyspace scan completes ({formatCount(snapshot.passKeysExamined)} keys examined so
      far). Postgres counts and deliveries below are already current.
      {estimate ? (
        <span data-testid="redis-estimate">
          {' '}
          Estimate from the {formatPercent(estimate.sampledFraction)} of the keyspace scanned so far, a random sample (95 % bounds):{' '}
          ≈ {formatCount(estimate.keys.value)} ± {formatCount(estimate.keys.margin)} keys, ≈ {formatCount(estimate.byState.stuck.value)} ±{' '}
          {formatCount(estimate.byState.stuck.margin)} stuck, ≈ {formatCount(estimate.byState.processing.value)} ±{' '}
          {formatCount(estimate.byState.processing.margin)} in flight
          {estimate.unsampledPatterns.length ? ` (not yet sampled: ${estimate.unsampledPatterns.join(', ')})` : ''}.
        </span>
      ) : onCluster ? (
        <span data-testid="redis-estimate-off">
          {' '}
          No estimate on a Redis Cluster (a cluster node&apos;s scan cursor does not tell how much it has walked); per-master
          progress is in the API&apos;s snapshot.nodes.
        </span>
      ) : null}
    </p>
  );
}

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)} %`;
}

/** A pass that could not count every slot of a cluster exactly once: its counts are a lower bound. */
function SnapshotPartial({ overview }: { overview: OverviewResponse }) {
  const { snapshot } = overview.redis;
  if (snapshot.status !== 'partial') return null;
  return (
    <p className="notice" role="status" data-testid="snapshot-partial">
      The last Redis keyspace pass is partial, so its counts are a lower bound: {snapshot.partialReason ?? 'some keys were not counted'}.
    </p>
  );
}

/** Redis near maxmemory: what happens to dedup under its policy. */
function MemoryWarning({ overview }: { overview: OverviewResponse }) {
  const warning = overview.health.redis.memoryWarning;
  if (!warning) return null;
  return (
    <p className="notice error" role="alert" data-testid="redis-memory-warning">
      {warning}.
    </p>
  );
}

export function HeadlineNumbers({ overview }: { overview: OverviewResponse }) {
  const figures = headlineFigures(overview);
  const redisStale = notLive(overview.redis.freshness);
  const postgresStale = notLive(overview.postgres.freshness);
  const eitherStale = redisStale || postgresStale;
  return (
    <div className="stack">
      <MemoryWarning overview={overview} />
      <FreshnessNote store="redis" freshness={overview.redis.freshness} />
      <FreshnessNote store="postgres" freshness={overview.postgres.freshness} />
      <SnapshotPending overview={overview} />
      <SnapshotPartial overview={overview} />
      <dl className="stats" aria-label="Deliveries">
        <DeliveryStats window={figures.deliveries['1h']} label="1 h" />
        <DeliveryStats window={figures.deliveries['24h']} label="24 h" />
      </dl>
      <dl className="stats" aria-label="Records">
        <Stat
          label="In flight"
          value={formatCount(figures.inFlight.total)}
          hint={storeSplit(figures.inFlight, 'processing')}
          stale={eitherStale}
          testId="in-flight"
          href={combinedHref(figures.inFlight, 'processing')}
          definition="Claimed, within its lease and younger than the stuck threshold: being processed now."
        />
        <Stat
          label="Stuck"
          value={formatCount(figures.stuck.total)}
          hint={storeSplit(figures.stuck, 'stuck')}
          alert={(figures.stuck.total ?? 0) > 0}
          stale={eitherStale}
          testId="stuck"
          href={combinedHref(figures.stuck, 'stuck')}
          definition={stuckRuleText(overview.rules?.stuckAfterSeconds)}
        />
        <Stat label="No expiry (Redis)" value={formatCount(figures.noExpiry)} hint="keys without a TTL" stale={redisStale} testId="no-expiry" />
        <Stat
          label="Expired, awaiting purge"
          value={formatCount(figures.expiredAwaitingPurge.total)}
          hint={storeSplit(figures.expiredAwaitingPurge, 'expired')}
          stale={eitherStale}
          testId="expired-awaiting-purge"
          href={combinedHref(figures.expiredAwaitingPurge, 'expired')}
        />
        <Stat
          label="Failed (Postgres)"
          value={formatCount(figures.failed.value)}
          hint={<Estimate show={figures.failed.estimated} />}
          stale={postgresStale}
          testId="failed"
          href={figures.failed.value ? explorerHref({ store: 'postgres', state: 'failed' }) : undefined}
        />
        <Stat
          label="Unrecognized (Redis)"
          value={formatCount(figures.unrecognized)}
          hint="values in no known format"
          stale={redisStale}
          testId="unrecognized"
          href={figures.unrecognized ? explorerHref({ store: 'redis', state: 'unrecognized' }) : undefined}
        />
      </dl>
    </div>
  );
}

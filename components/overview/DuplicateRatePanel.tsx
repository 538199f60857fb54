'use client';

import { useMemo, useState } from 'react';
import { duplicateRateSeries } from '@/lib/charts/duplicateRateSeries';
import { formatCount, formatRate } from '@/lib/charts/format';
import { DuplicateRateChart } from '@/components/charts/DuplicateRateChart';
import { DUPLICATE_RANGES, type DuplicateRange, useDuplicateStats } from '@/components/queries/duplicate-stats';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { Segmented } from '@/components/ui/Segmented';

const RANGES = (Object.keys(DUPLICATE_RANGES) as DuplicateRange[]).map((range) => ({ value: range, label: DUPLICATE_RANGES[range].label }));

export function DuplicateRatePanel() {
  const [range, setRange] = useState<DuplicateRange>('1h');
  const stats = useDuplicateStats(range);
  const series = useMemo(
    () =>
      stats.data
        ? duplicateRateSeries(stats.data.points, {
            fromMs: stats.data.fromMs,
            toMs: stats.data.toMs,
            bucketSeconds: stats.data.bucketSeconds,
          })
        : null,
    [stats.data],
  );

  return (
    <Panel title="Duplicate rate" id="duplicate-rate" aside={<Segmented label="Time range" options={RANGES} value={range} onChange={setRange} />}>
      {stats.isPending ? <Loading label="Loading delivery counters…" /> : null}
      {stats.isError ? (
        <ErrorNotice title="Delivery counters could not be loaded." error={stats.error} onRetry={() => void stats.refetch()} />
      ) : null}
      {stats.data?.missing.length ? (
        <p className="notice" role="status" data-testid="duplicate-missing">
          Without {stats.data.missing.map((s) => (s === 'redis' ? 'Redis' : 'Postgres')).join(' and ')}: it did not answer, so its
          counters are not in these rates.
        </p>
      ) : null}
      {series && series.deliveries === 0 ? (
        <EmptyNotice>No deliveries recorded in the last {DUPLICATE_RANGES[range].label}.</EmptyNotice>
      ) : null}
      {series && series.deliveries > 0 ? (
        <>
          <p className="muted small">
            {formatCount(series.duplicates)} duplicates of {formatCount(series.deliveries)} deliveries (
            {formatRate(series.duplicates / series.deliveries)}), per{' '}
            {series.bucketSeconds >= 3600 ? 'hour' : 'minute'}, from the delivery counters of every reachable store.
          </p>
          <DuplicateRateChart series={series} spanSeconds={DUPLICATE_RANGES[range].seconds} />
          <p className="muted small" data-testid="duplicate-definition">
            A duplicate is any delivery of a message after its first: a redelivery, a retry after a failed handler, or a
            replay that found the message in flight or already done. Both stores count it the same way.
          </p>
        </>
      ) : null}
    </Panel>
  );
}

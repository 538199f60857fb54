'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { instantFromUrl, MAX_CUSTOM_RANGE_SECONDS } from '@/lib/charts/drilldown';
import { duplicateRateSeries } from '@/lib/charts/duplicateRateSeries';
import { formatCount, formatDateTime, formatRate } from '@/lib/charts/format';
import { DuplicateRateChart } from '@/components/charts/DuplicateRateChart';
import { DUPLICATE_RANGES, type DuplicateRange, type DuplicateSelection, useDuplicateStats } from '@/components/queries/duplicate-stats';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { usePreference } from '@/components/ui/preferences';
import { RangeForm } from '@/components/ui/RangeForm';
import { Segmented } from '@/components/ui/Segmented';

type RangeChoice = DuplicateRange | 'custom';
const RANGES: { value: RangeChoice; label: string }[] = [
  ...(Object.keys(DUPLICATE_RANGES) as DuplicateRange[]).map((range) => ({ value: range, label: DUPLICATE_RANGES[range].label })),
  { value: 'custom', label: 'Custom' },
];

/** The chart's range from the page's URL (`range=24h`, or `from` and `to` as ISO instants), so a view can be linked to. */
function selectionFrom(search: URLSearchParams): DuplicateSelection {
  const fromMs = instantFromUrl(search.get('from'));
  const toMs = instantFromUrl(search.get('to'));
  if (fromMs !== null && toMs !== null) return { fromMs, toMs };
  const range = search.get('range');
  return { range: range && Object.hasOwn(DUPLICATE_RANGES, range) ? (range as DuplicateRange) : '1h' };
}

export function DuplicateRatePanel() {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [zone] = usePreference('timeZone');
  const selection = selectionFrom(search);
  const [editing, setEditing] = useState(false);
  // The window shown when the form opened: the live one moves with every poll, and prefilling from it would re-key the inputs and wipe what the user typed.
  const [prefill, setPrefill] = useState<{ fromMs: number; toMs: number } | null>(null);
  const choice: RangeChoice = editing || !('range' in selection) ? 'custom' : selection.range;
  const stats = useDuplicateStats(selection);
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
  const go = (params: Record<string, string>) => {
    const query = new URLSearchParams(params).toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  const pick = (next: RangeChoice) => {
    if (next === 'custom') {
      setPrefill(stats.data ? { fromMs: stats.data.fromMs, toMs: stats.data.toMs } : null);
      return setEditing(true);
    }
    setEditing(false);
    go(next === '1h' ? {} : { range: next });
  };
  const spanSeconds = 'range' in selection ? DUPLICATE_RANGES[selection.range].seconds : (selection.toMs - selection.fromMs) / 1000;
  const rangeText =
    'range' in selection ? `the last ${DUPLICATE_RANGES[selection.range].label}` : `${formatDateTime(selection.fromMs, zone)} to ${formatDateTime(selection.toMs, zone)}`;

  return (
    <Panel title="Duplicate rate" id="duplicate-rate" aside={<Segmented label="Time range" options={RANGES} value={choice} onChange={pick} />}>
      {choice === 'custom' ? (
        <RangeForm
          label="Custom time range of the duplicate chart"
          fromMs={'range' in selection ? prefill?.fromMs : selection.fromMs}
          toMs={'range' in selection ? prefill?.toMs : selection.toMs}
          maxSeconds={MAX_CUSTOM_RANGE_SECONDS}
          onApply={(fromMs, toMs) => {
            setEditing(false);
            go({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() });
          }}
          testId="duplicate-range-form"
        />
      ) : null}
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
      {series && series.deliveries === 0 ? <EmptyNotice>No deliveries recorded in {rangeText}.</EmptyNotice> : null}
      {series && series.deliveries > 0 ? (
        <>
          <p className="muted small" data-testid="duplicate-summary">
            {formatCount(series.duplicates)} duplicates of {formatCount(series.deliveries)} deliveries (
            {formatRate(series.duplicates / series.deliveries)}) in {rangeText}, per {series.bucketSeconds >= 3600 ? 'hour' : 'minute'},
            from the delivery counters of every reachable store. Click a point, or a row of the table, for the records of that{' '}
            {series.bucketSeconds >= 3600 ? 'hour' : 'minute'}.
          </p>
          <DuplicateRateChart series={series} spanSeconds={spanSeconds} />
          <p className="muted small" data-testid="duplicate-definition">
            A duplicate is any delivery of a message after its first: a redelivery, a retry after a failed handler, or a
            replay that found the message in flight or already done. Both stores count it the same way.
          </p>
        </>
      ) : null}
    </Panel>
  );
}

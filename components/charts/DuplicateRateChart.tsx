'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import { bucketWindow } from '@/lib/charts/drilldown';
import type { DuplicateRateSeries } from '@/lib/charts/duplicateRateSeries';
import { formatBucketTime, formatCount, formatDateTime, zoneName } from '@/lib/charts/format';
import { explorerHref } from '@/components/explorer/links';
import { usePreference, useResolvedTheme } from '@/components/ui/preferences';
import { ChartDataTable } from './ChartDataTable';
import { SERIES_COLOURS } from './palette';

interface DuplicateRateChartProps {
  series: DuplicateRateSeries;
  spanSeconds: number;
}

const rateText = (rate: number | null | undefined) => (rate == null ? '—' : `${rate} %`);

/** Rate with the counts behind it: "2.5 % (5 of 200)", so a spike on three deliveries is not mistaken for an incident. */
function RateTooltip({ active, label, series }: { active?: boolean; label?: TooltipContentProps['label']; series: DuplicateRateSeries }) {
  const [zone] = usePreference('timeZone');
  if (!active || label == null) return null;
  const t = Number(label);
  const index = series.rows.findIndex((row) => row.t === t);
  const tally = series.tallies[index] ?? {};
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-time">{formatDateTime(t, zone)}</p>
      <ul>
        {series.lines.map((line) => {
          const counts = tally[line.key];
          return (
            <li key={line.key}>
              {line.label}:{' '}
              {counts
                ? `${rateText(series.rows[index]?.[line.key])} (${formatCount(counts.duplicates)} duplicates of ${formatCount(counts.deliveries)})`
                : 'no deliveries'}
            </li>
          );
        })}
      </ul>
      <p className="chart-tooltip-hint">Click for the records of this bucket</p>
    </div>
  );
}

/** The Explorer listing the records behind one bucket: recorded in it, of one consumer when the line is one consumer's. */
const bucketHref = (t: number, bucketSeconds: number, consumer?: string | null) => explorerHref(bucketWindow(t, bucketSeconds, 'recorded', consumer));

/** Draws a shaped series; all the arithmetic lives in lib/charts/duplicateRateSeries. */
export function DuplicateRateChart({ series, spanSeconds }: DuplicateRateChartProps) {
  const [zone] = usePreference('timeZone');
  const router = useRouter();
  const colours = SERIES_COLOURS[useResolvedTheme()];
  const tick = (t: number) => formatBucketTime(t, spanSeconds, zone);
  // Each row is a way in for keyboards and screen readers: its time leads to the bucket's records, each figure to that consumer's.
  const rows = series.rows
    .map((row, i) => ({ row, tally: series.tallies[i] ?? {} }))
    .filter(({ tally }) => tally.s0?.deliveries)
    .map(({ row, tally }) => ({
      key: row.t,
      cells: [
        <Link key="t" href={bucketHref(row.t, series.bucketSeconds)}>
          {formatDateTime(row.t, zone)}
        </Link>,
        ...series.lines.map((line) => {
          const counts = tally[line.key];
          const text = counts ? `${rateText(row[line.key])} · ${formatCount(counts.duplicates)} / ${formatCount(counts.deliveries)}` : '—';
          return counts?.deliveries && line.consumer ? (
            <Link key={line.key} href={bucketHref(row.t, series.bucketSeconds, line.consumer)} aria-label={`${text}, ${line.label}: its records`}>
              {text}
            </Link>
          ) : (
            text
          );
        }),
      ],
    }));
  const open = (index: unknown) => {
    const row = series.rows[Number(index)];
    if (row && series.tallies[Number(index)]?.s0?.deliveries) router.push(bucketHref(row.t, series.bucketSeconds));
  };
  return (
    <>
      <div
        className="chart clickable"
        data-testid="duplicate-rate-chart"
        role="img"
        aria-label="Duplicate rate over time, in percent, per consumer; the same numbers, each a link to its records, are in the table below"
      >
        <LineChart
          data={series.rows}
          onClick={(state) => open(state.activeTooltipIndex)}
          responsive
          accessibilityLayer={false}
          style={{ width: '100%', height: '100%' }}
          margin={{ top: 8, right: 16, bottom: 24, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={tick}
            minTickGap={40}
            label={{ value: `Time (${zoneName(zone)})`, position: 'insideBottom', offset: -14 }}
          />
          <YAxis
            unit=" %"
            width={70}
            allowDecimals
            label={{ value: 'Duplicate rate (%)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }}
          />
          <Tooltip content={({ active, label }) => <RateTooltip active={active} label={label} series={series} />} />
          <Legend verticalAlign="top" height={28} itemSorter={null} />
          {series.lines.map((line, i) => (
            <Line
              key={line.key}
              dataKey={line.key}
              name={line.label}
              stroke={colours[i % colours.length]}
              strokeWidth={i === 0 ? 2.5 : 1.5}
              // A bucket between two empty ones has no segment to draw: only its dot shows it.
              dot={{ r: i === 0 ? 2.5 : 2, fill: colours[i % colours.length] }}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </div>
      <ChartDataTable
        summary="Show the numbers as a table"
        caption={`Duplicate rate per bucket (${zoneName(zone)}): rate · duplicates / deliveries, per consumer; each links to its records`}
        columns={[{ label: 'Bucket start' }, ...series.lines.map((line) => ({ label: line.label, numeric: true }))]}
        rows={rows}
        testId="duplicate-rate-table"
      />
    </>
  );
}

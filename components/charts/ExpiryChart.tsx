'use client';

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExpirySeries } from '@/lib/charts/expirySeries';
import { formatBucketTime, formatCount, formatDateTime, zoneName } from '@/lib/charts/format';
import { usePreference, useResolvedTheme } from '@/components/ui/preferences';
import { ChartDataTable } from './ChartDataTable';
import { STORE_COLOURS } from './palette';

/** Stacked hourly bars of records reaching expiry; shaping lives in lib/charts/expirySeries. */
export function ExpiryChart({ series }: { series: ExpirySeries }) {
  const [zone] = usePreference('timeZone');
  const colours = STORE_COLOURS[useResolvedTheme()];
  const tick = (t: number) => formatBucketTime(t, series.horizonSeconds, zone);
  const rows = series.rows
    .filter((row) => (row.redis ?? 0) + (row.postgres ?? 0) > 0)
    .map((row) => ({ key: row.t, cells: [formatDateTime(row.t, zone), formatCount(row.redis), formatCount(row.postgres)] }));
  return (
    <>
      <div
        className="chart"
        data-testid="expiry-chart"
        role="img"
        aria-label="Records reaching expiry per hour over the next 72 hours, Redis and Postgres stacked; the same numbers are in the table below"
      >
        <BarChart
          data={series.rows}
          responsive
          accessibilityLayer={false}
          style={{ width: '100%', height: '100%' }}
          margin={{ top: 8, right: 16, bottom: 24, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            tickFormatter={tick}
            minTickGap={40}
            label={{ value: `Hour of expiry (${zoneName(zone)})`, position: 'insideBottom', offset: -14 }}
          />
          <YAxis
            allowDecimals={false}
            width={70}
            label={{ value: 'Records expiring', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }}
          />
          <Tooltip labelFormatter={(t) => `Hour from ${formatDateTime(Number(t), zone)}`} formatter={(value) => formatCount(Number(value))} />
          <Legend verticalAlign="top" height={28} itemSorter={null} />
          <Bar dataKey="redis" name="Redis keys" stackId="expiry" fill={colours.redis} isAnimationActive={false} />
          <Bar dataKey="postgres" name="Postgres rows" stackId="expiry" fill={colours.postgres} isAnimationActive={false} />
        </BarChart>
      </div>
      <ChartDataTable
        summary="Show the numbers as a table"
        caption={`Records reaching expiry per hour (${zoneName(zone)}), hours with none left out`}
        columns={[{ label: 'Hour from' }, { label: 'Redis keys', numeric: true }, { label: 'Postgres rows', numeric: true }]}
        rows={rows}
        testId="expiry-table"
      />
    </>
  );
}

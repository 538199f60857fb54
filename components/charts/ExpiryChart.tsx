'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { bucketWindow } from '@/lib/charts/drilldown';
import type { ExpirySeries } from '@/lib/charts/expirySeries';
import type { StoreName } from '@/lib/contract/vocabulary';
import { formatBucketTime, formatCount, formatDateTime, zoneName } from '@/lib/charts/format';
import { explorerHref } from '@/components/explorer/links';
import { usePreference, useResolvedTheme } from '@/components/ui/preferences';
import { ChartDataTable } from './ChartDataTable';
import { STORE_COLOURS } from './palette';

/** The Explorer listing one store's records expiring in the bucket. */
const expiringHref = (store: StoreName, t: number, bucketSeconds: number) => explorerHref({ store, ...bucketWindow(t, bucketSeconds, 'expires') });

/** Stacked hourly bars of records reaching expiry; shaping lives in lib/charts/expirySeries. */
export function ExpiryChart({ series }: { series: ExpirySeries }) {
  const [zone] = usePreference('timeZone');
  const colours = STORE_COLOURS[useResolvedTheme()];
  const tick = (t: number) => formatBucketTime(t, series.horizonSeconds, zone);
  const router = useRouter();
  const cell = (store: StoreName, t: number, count: number | null) =>
    count ? (
      <Link key={store} href={expiringHref(store, t, series.bucketSeconds)} aria-label={`${formatCount(count)} ${store === 'redis' ? 'Redis keys' : 'Postgres rows'}: list them`}>
        {formatCount(count)}
      </Link>
    ) : (
      formatCount(count)
    );
  const rows = series.rows
    .filter((row) => (row.redis ?? 0) + (row.postgres ?? 0) > 0)
    .map((row) => ({ key: row.t, cells: [formatDateTime(row.t, zone), cell('redis', row.t, row.redis), cell('postgres', row.t, row.postgres)] }));
  const open = (store: StoreName, index: number) => {
    const row = series.rows[index];
    if (row && row[store]) router.push(expiringHref(store, row.t, series.bucketSeconds));
  };
  return (
    <>
      <div
        className="chart clickable"
        data-testid="expiry-chart"
        role="img"
        aria-label="Records reaching expiry per hour over the next 72 hours, Redis and Postgres stacked; the same numbers, each a link to its records, are in the table below"
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
          <Bar dataKey="redis" name="Redis keys" stackId="expiry" fill={colours.redis} isAnimationActive={false} onClick={(_, index) => open('redis', index)} />
          <Bar dataKey="postgres" name="Postgres rows" stackId="expiry" fill={colours.postgres} isAnimationActive={false} onClick={(_, index) => open('postgres', index)} />
        </BarChart>
      </div>
      <ChartDataTable
        summary="Show the numbers as a table"
        caption={`Records reaching expiry per hour (${zoneName(zone)}), hours with none left out; each count links to its records`}
        columns={[{ label: 'Hour from' }, { label: 'Redis keys', numeric: true }, { label: 'Postgres rows', numeric: true }]}
        rows={rows}
        testId="expiry-table"
      />
    </>
  );
}

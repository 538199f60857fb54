'use client';

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExpirySeries } from '@/lib/charts/expirySeries';
import { formatBucketTime } from '@/lib/charts/format';
import { STORE_COLOURS } from './palette';

/** Stacked hourly bars of records reaching expiry; shaping lives in lib/charts/expirySeries. */
export function ExpiryChart({ series }: { series: ExpirySeries }) {
  const tick = (t: number) => formatBucketTime(t, series.horizonSeconds);
  return (
    <div className="chart" data-testid="expiry-chart" role="figure" aria-label="Records reaching expiry per hour over the next 72 hours, Redis and Postgres stacked">
      <BarChart data={series.rows} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" vertical={false} />
        <XAxis
          dataKey="t"
          tickFormatter={tick}
          minTickGap={40}
          label={{ value: 'Hour of expiry (local)', position: 'insideBottom', offset: -14 }}
        />
        <YAxis
          allowDecimals={false}
          width={70}
          label={{ value: 'Records expiring', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }}
        />
        <Tooltip labelFormatter={(t) => `Hour from ${formatBucketTime(Number(t), series.horizonSeconds)}`} />
        <Legend verticalAlign="top" height={28} itemSorter={null} />
        <Bar dataKey="redis" name="Redis keys" stackId="expiry" fill={STORE_COLOURS.redis} isAnimationActive={false} />
        <Bar dataKey="postgres" name="Postgres rows" stackId="expiry" fill={STORE_COLOURS.postgres} isAnimationActive={false} />
      </BarChart>
    </div>
  );
}

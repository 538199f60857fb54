'use client';

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { DuplicateRateSeries } from '@/lib/charts/duplicateRateSeries';
import { formatBucketTime } from '@/lib/charts/format';
import { SERIES_COLOURS } from './palette';

interface DuplicateRateChartProps {
  series: DuplicateRateSeries;
  spanSeconds: number;
}

/** Draws a shaped series; all the arithmetic lives in lib/charts/duplicateRateSeries. */
export function DuplicateRateChart({ series, spanSeconds }: DuplicateRateChartProps) {
  const tick = (t: number) => formatBucketTime(t, spanSeconds);
  return (
    <div className="chart" data-testid="duplicate-rate-chart" role="figure" aria-label="Duplicate rate over time, in percent, per consumer">
      <LineChart data={series.rows} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          tickFormatter={tick}
          minTickGap={40}
          label={{ value: 'Time (local)', position: 'insideBottom', offset: -14 }}
        />
        <YAxis
          unit=" %"
          width={70}
          allowDecimals
          label={{ value: 'Duplicate rate (%)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }}
        />
        <Tooltip
          labelFormatter={(t) => formatBucketTime(Number(t), spanSeconds)}
          formatter={(value) => (value == null ? 'no deliveries' : `${value} %`)}
        />
        <Legend verticalAlign="top" height={28} itemSorter={null} />
        {series.lines.map((line, i) => (
          <Line
            key={line.key}
            dataKey={line.key}
            name={line.label}
            stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]}
            strokeWidth={i === 0 ? 2.5 : 1.5}
            // A bucket between two empty ones has no segment to draw: only its dot shows it.
            dot={{ r: i === 0 ? 2.5 : 2 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </div>
  );
}

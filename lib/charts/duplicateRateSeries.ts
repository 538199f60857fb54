import type { DuplicatePoint } from '@/lib/contract/read';

/** One chart row per bucket; each series key holds a duplicate rate in percent, or null when nothing was delivered. */
export interface DuplicateRateRow {
  t: number;
  [seriesKey: string]: number | null;
}

export interface DuplicateRateLine {
  /** Opaque key (`s0`, `s1`, …): consumer names may hold dots, which recharts would read as paths. */
  key: string;
  label: string;
  /** The consumer the line draws; null for all consumers and for the merged quieter ones. */
  consumer: string | null;
  deliveries: number;
  duplicates: number;
  rate: number | null;
}

/** Deliveries and duplicates behind one rate, so a tooltip or table can show the counts with it. */
export interface Tally {
  deliveries: number;
  duplicates: number;
}

export interface DuplicateRateSeries {
  rows: DuplicateRateRow[];
  /** Aligned with `rows`: each line's counts in that bucket, absent where nothing was delivered. */
  tallies: Partial<Record<string, Tally>>[];
  lines: DuplicateRateLine[];
  bucketSeconds: number;
  deliveries: number;
  duplicates: number;
}

export interface SeriesWindow {
  fromMs: number;
  toMs: number;
  bucketSeconds: number;
  /** Consumers drawn on their own; quieter ones are merged so the chart stays readable. */
  maxConsumers?: number;
}

export const ALL_CONSUMERS = 'All consumers';
export const OTHER_CONSUMERS = 'Other consumers';
const DEFAULT_MAX_CONSUMERS = 5;
const MAX_ROWS = 2000;

const rate = (t: Tally): number | null => (t.deliveries > 0 ? t.duplicates / t.deliveries : null);
const percent = (t: Tally | undefined): number | null => {
  const r = t ? rate(t) : null;
  return r == null ? null : Math.round(r * 10000) / 100;
};

function add(map: Map<number, Tally>, bucket: number, point: Tally): void {
  const tally = map.get(bucket) ?? { deliveries: 0, duplicates: 0 };
  tally.deliveries += point.deliveries;
  tally.duplicates += point.duplicates;
  map.set(bucket, tally);
}

function total(map: Map<number, Tally>): Tally {
  const sum = { deliveries: 0, duplicates: 0 };
  for (const t of map.values()) {
    sum.deliveries += t.deliveries;
    sum.duplicates += t.duplicates;
  }
  return sum;
}

/**
 * Shapes duplicate counters into evenly spaced rows for a line chart: one line
 * for all consumers plus the busiest few, re-bucketed to `bucketSeconds`.
 * Rates are recomputed from summed counts, never averaged, so a quiet bucket
 * cannot outweigh a busy one. Empty buckets stay null: a gap, not a zero.
 */
export function duplicateRateSeries(points: readonly DuplicatePoint[], window: SeriesWindow): DuplicateRateSeries {
  const bucketMs = window.bucketSeconds * 1000;
  const start = Math.floor(window.fromMs / bucketMs) * bucketMs;
  const rowCount = Math.min(MAX_ROWS, Math.max(0, Math.ceil((window.toMs - start) / bucketMs)));

  const all = new Map<number, Tally>();
  const byConsumer = new Map<string, Map<number, Tally>>();
  // The bucket under way holds a part of its deliveries: counted in the totals, never drawn as a rate.
  const partial = new Set<number>();
  for (const point of points) {
    const t = Date.parse(point.t);
    if (Number.isNaN(t) || t < start || t >= start + rowCount * bucketMs) continue;
    const bucket = Math.floor((t - start) / bucketMs);
    if (point.partial) partial.add(bucket);
    add(all, bucket, point);
    if (point.consumer !== undefined) {
      const series = byConsumer.get(point.consumer) ?? new Map<number, Tally>();
      add(series, bucket, point);
      byConsumer.set(point.consumer, series);
    }
  }

  const ranked = [...byConsumer.entries()]
    .map(([name, buckets]) => ({ name, buckets, sum: total(buckets) }))
    .sort((a, b) => b.sum.deliveries - a.sum.deliveries || a.name.localeCompare(b.name));
  const limit = window.maxConsumers ?? DEFAULT_MAX_CONSUMERS;
  const shown = ranked.length > limit + 1 ? ranked.slice(0, limit) : ranked;
  const merged = new Map<number, Tally>();
  for (const rest of ranked.slice(shown.length)) for (const [b, t] of rest.buckets) add(merged, b, t);

  const groups: { label: string; consumer: string | null; buckets: Map<number, Tally> }[] = [{ label: ALL_CONSUMERS, consumer: null, buckets: all }];
  // A single consumer's line would only repeat the total.
  if (ranked.length > 1) {
    groups.push(...shown.map((s) => ({ label: s.name, consumer: s.name, buckets: s.buckets })));
    if (merged.size > 0) groups.push({ label: OTHER_CONSUMERS, consumer: null, buckets: merged });
  }

  const lines = groups.map((g, i) => {
    const sum = total(g.buckets);
    return { key: `s${i}`, label: g.label, consumer: g.consumer, ...sum, rate: rate(sum) };
  });
  const rows: DuplicateRateRow[] = [];
  const tallies: Partial<Record<string, Tally>>[] = [];
  for (let i = 0; i < rowCount; i += 1) {
    const row: DuplicateRateRow = { t: start + i * bucketMs };
    const tally: Partial<Record<string, Tally>> = {};
    groups.forEach((g, index) => {
      const bucket = g.buckets.get(i);
      row[`s${index}`] = partial.has(i) ? null : percent(bucket);
      if (bucket) tally[`s${index}`] = { deliveries: bucket.deliveries, duplicates: bucket.duplicates };
    });
    rows.push(row);
    tallies.push(tally);
  }
  const sum = total(all);
  return { rows, tallies, lines, bucketSeconds: window.bucketSeconds, deliveries: sum.deliveries, duplicates: sum.duplicates };
}

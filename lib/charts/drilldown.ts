import type { DisplayZone } from './format';

/** The records behind one chart point: a time window on one of the record's times, and a consumer where the point has one. */
export interface RecordWindow {
  from: string;
  to: string;
  time: 'recorded' | 'expires';
  consumer?: string;
}

/** The bucket starting at `startMs` as the window the Explorer filters on, [start, start + bucket). */
export function bucketWindow(startMs: number, bucketSeconds: number, time: RecordWindow['time'], consumer?: string | null): RecordWindow {
  return {
    from: new Date(startMs).toISOString(),
    to: new Date(startMs + bucketSeconds * 1000).toISOString(),
    time,
    ...(consumer ? { consumer } : {}),
  };
}

/** The duplicate chart's own ranges, and the bucket each is drawn in. */
export const DUPLICATE_RANGES = {
  '1h': { label: '1 h', seconds: 3600, bucketSeconds: 60 },
  '24h': { label: '24 h', seconds: 86400, bucketSeconds: 3600 },
  '7d': { label: '7 d', seconds: 7 * 86400, bucketSeconds: 3600 },
} as const;
export type DuplicateRange = keyof typeof DUPLICATE_RANGES;

/** The longest custom range the server serves (lib/dashboard/duplicates.ts MAX_RANGE_SECONDS). */
export const MAX_CUSTOM_RANGE_SECONDS = 31 * 86_400;

/** Minute buckets up to six hours (at most 360 points), hour buckets beyond (at most 744 over a month). */
export function bucketSecondsFor(spanMs: number): number {
  return spanMs <= 6 * 3_600_000 ? 60 : 3600;
}

/**
 * A `datetime-local` value (`2026-12-05T14:03`, seconds optional) read in the
 * display zone: UTC, or the browser's own. Null when it is not such a value.
 */
export function parseZonedInput(value: string, zone: DisplayZone): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const ms = zone === 'utc' ? Date.UTC(y, mo - 1, d, h, mi, s) : new Date(y, mo - 1, d, h, mi, s).getTime();
  const back = new Date(ms);
  const same =
    zone === 'utc'
      ? back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d
      : back.getFullYear() === y && back.getMonth() === mo - 1 && back.getDate() === d;
  return Number.isFinite(ms) && same ? ms : null;
}

/** An instant as a `datetime-local` value in the display zone, to the minute. */
export function toZonedInput(ms: number, zone: DisplayZone): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return zone === 'utc'
    ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export type RangeProblem = { field: 'from' | 'to'; message: string };

/** The same checks as the server, before a request is sent: both ends, in order, at most `maxSeconds` apart. */
export function checkRange(fromMs: number | null, toMs: number | null, maxSeconds: number): RangeProblem | null {
  if (fromMs === null) return { field: 'from', message: 'From is not a date and time.' };
  if (toMs === null) return { field: 'to', message: 'To is not a date and time.' };
  if (toMs <= fromMs) return { field: 'to', message: 'To must be after From.' };
  if (toMs - fromMs > maxSeconds * 1000) return { field: 'from', message: `The range may span at most ${Math.round(maxSeconds / 86_400)} days.` };
  return null;
}

/** An ISO instant from a URL, or null when it is not one. */
export function instantFromUrl(value: string | null): number | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

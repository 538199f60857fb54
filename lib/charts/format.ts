/**
 * Number and time formatting shared by charts, tables and headline figures.
 * `null` means "could not be obtained" throughout the API, shown as an em dash
 * so that it is never mistaken for zero.
 */
export const MISSING = '—';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number | null | undefined): string {
  return value == null ? MISSING : integer.format(value);
}

/** A ratio in [0, 1] as a percentage; small rates keep two decimals because 0.4 % vs 0.04 % matters. */
export function formatRate(ratio: number | null | undefined): string {
  if (ratio == null) return MISSING;
  const percent = ratio * 100;
  const digits = percent === 0 ? 0 : percent < 10 ? 2 : 1;
  return `${percent.toFixed(digits)} %`;
}

const UNITS: [suffix: string, seconds: number][] = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** Two most significant units, e.g. `2h 5m`, `3d 4h`, `42s`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return MISSING;
  let rest = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  for (const [suffix, size] of UNITS) {
    if (parts.length === 2) break;
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (parts.length === 0 && amount === 0 && size > 1) continue;
    // "1h" reads faster than "1h 0m" on a crowded table.
    if (parts.length === 1 && amount === 0) break;
    parts.push(`${amount}${suffix}`);
  }
  return parts.join(' ');
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return MISSING;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** Where dates are shown: the browser's own zone, or UTC. */
export type DisplayZone = 'local' | 'utc';

const intlZone = (zone: DisplayZone): string | undefined => (zone === 'utc' ? 'UTC' : undefined);

/** The zone's name as shown next to times and on chart axes: `UTC`, or the browser's IANA name. */
export function zoneName(zone: DisplayZone): string {
  return zone === 'utc' ? 'UTC' : (Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time');
}

const partsFormat = (zone: DisplayZone) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: intlZone(zone),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });

/**
 * The one date format of the dashboard: `2026-12-05 14:03:07 UTC`, sortable,
 * unambiguous in every locale, and always with its zone, so a time pasted into
 * an incident note means the same to everyone reading it.
 */
export function formatDateTime(value: number | string | null | undefined, zone: DisplayZone): string {
  if (value == null) return MISSING;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const part: Record<string, string> = {};
  for (const p of partsFormat(zone).formatToParts(date)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

/** Chart tick for a bucket start: clock time for short ranges, day and time for longer ones. */
export function formatBucketTime(epochMs: number, spanSeconds: number, zone: DisplayZone = 'local'): string {
  const date = new Date(epochMs);
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: intlZone(zone) });
  if (spanSeconds <= 86400) return time;
  return `${date.toLocaleDateString('en-GB', { weekday: 'short', timeZone: intlZone(zone) })} ${time}`;
}

import { describe, expect, it } from 'vitest';
import { MISSING, formatBucketTime, formatBytes, formatCount, formatDateTime, formatDuration, formatRate, zoneName } from './format';

describe('formatCount', () => {
  it('groups thousands and shows missing values as a dash, not zero', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe(MISSING);
  });
});

describe('formatRate', () => {
  it('keeps two decimals for small rates so 0.04 % and 0.4 % stay apart', () => {
    expect(formatRate(0.0004)).toBe('0.04 %');
    expect(formatRate(0.004)).toBe('0.40 %');
    expect(formatRate(0.25)).toBe('25.0 %');
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(null)).toBe(MISSING);
  });
});

describe('formatDuration', () => {
  it('shows the two most significant units', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 5s');
    expect(formatDuration(7500)).toBe('2h 5m');
    expect(formatDuration(3 * 86400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(3 * 86400 + 59)).toBe('3d');
    expect(formatDuration(null)).toBe(MISSING);
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
    expect(formatBytes(null)).toBe(MISSING);
  });
});

describe('formatDateTime', () => {
  const instant = Date.UTC(2026, 11, 5, 14, 3, 7);

  it('writes one sortable format with the zone named', () => {
    expect(formatDateTime(instant, 'utc')).toBe('2026-12-05 14:03:07 UTC');
    expect(formatDateTime(new Date(instant).toISOString(), 'utc')).toBe('2026-12-05 14:03:07 UTC');
    expect(formatDateTime(Date.UTC(2026, 0, 1, 0, 0, 0), 'utc')).toBe('2026-01-01 00:00:00 UTC');
  });

  it('names the browser zone for local times', () => {
    expect(formatDateTime(instant, 'local')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+$/);
    expect(zoneName('utc')).toBe('UTC');
    expect(zoneName('local')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('shows missing as a dash and passes unparsable text through', () => {
    expect(formatDateTime(null, 'utc')).toBe(MISSING);
    expect(formatDateTime('not a date', 'utc')).toBe('not a date');
  });
});

describe('formatBucketTime', () => {
  const instant = Date.UTC(2026, 11, 5, 14, 3, 7);
  it('shows the clock time for a day or less and the weekday beyond, in the chosen zone', () => {
    expect(formatBucketTime(instant, 3600, 'utc')).toBe('14:03');
    expect(formatBucketTime(instant, 7 * 86400, 'utc')).toBe('Sat 14:03');
  });
});

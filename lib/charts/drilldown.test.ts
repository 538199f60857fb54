import { describe, expect, it } from 'vitest';
import { bucketSecondsFor, bucketWindow, checkRange, instantFromUrl, parseZonedInput, toZonedInput } from './drilldown';

describe('chart drill-down windows', () => {
  it('turns a bucket start into [start, start + bucket) on the given time, with the consumer only when there is one', () => {
    const start = Date.UTC(2026, 11, 5, 14, 0);
    expect(bucketWindow(start, 60, 'recorded', 'billing')).toEqual({ from: '2026-12-05T14:00:00.000Z', to: '2026-12-05T14:01:00.000Z', time: 'recorded', consumer: 'billing' });
    expect(bucketWindow(start, 3600, 'expires', null)).toEqual({ from: '2026-12-05T14:00:00.000Z', to: '2026-12-05T15:00:00.000Z', time: 'expires' });
  });

  it('draws minutes up to six hours and hours beyond', () => {
    expect(bucketSecondsFor(6 * 3_600_000)).toBe(60);
    expect(bucketSecondsFor(6 * 3_600_000 + 1)).toBe(3600);
  });
});

describe('custom ranges', () => {
  it('reads a datetime-local value in UTC and round-trips it', () => {
    expect(parseZonedInput('2026-12-05T14:03', 'utc')).toBe(Date.UTC(2026, 11, 5, 14, 3));
    expect(parseZonedInput('2026-12-05T14:03:09', 'utc')).toBe(Date.UTC(2026, 11, 5, 14, 3, 9));
    expect(toZonedInput(Date.UTC(2026, 11, 5, 14, 3, 59), 'utc')).toBe('2026-12-05T14:03');
    const local = parseZonedInput('2026-03-01T08:30', 'local')!;
    expect(toZonedInput(local, 'local')).toBe('2026-03-01T08:30');
  });

  it('refuses what is not a date: wrong shape, impossible days', () => {
    expect(parseZonedInput('yesterday', 'utc')).toBeNull();
    expect(parseZonedInput('2026-02-30T10:00', 'utc')).toBeNull();
    expect(parseZonedInput('2026-02-30T10:00', 'local')).toBeNull();
    expect(instantFromUrl('2026-12-05T14:03:00.000Z')).toBe(Date.UTC(2026, 11, 5, 14, 3));
    expect(instantFromUrl('1733400000000')).toBeNull();
    expect(instantFromUrl(null)).toBeNull();
  });

  it('names the end at fault as the server does', () => {
    const t = Date.UTC(2026, 11, 5);
    expect(checkRange(null, t, 86_400)).toMatchObject({ field: 'from' });
    expect(checkRange(t, null, 86_400)).toMatchObject({ field: 'to' });
    expect(checkRange(t, t, 86_400)).toMatchObject({ field: 'to', message: 'To must be after From.' });
    expect(checkRange(t, t + 86_400_001, 86_400)).toMatchObject({ field: 'from', message: 'The range may span at most 1 days.' });
    expect(checkRange(t, t + 86_400_000, 86_400)).toBeNull();
  });
});

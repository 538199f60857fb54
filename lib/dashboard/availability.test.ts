import { describe, expect, it } from 'vitest';
import { StoreAvailability } from './availability';

const T = Date.UTC(2026, 11, 5, 14, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('StoreAvailability', () => {
  it('calls figures live while their read answered', () => {
    const a = new StoreAvailability();
    expect(a.freshness('redis', T, true, T + 5_000)).toEqual({ state: 'live', asOf: iso(T), unavailableSince: null, error: null });
  });

  it('calls older figures stale since the first unanswered call, and keeps that time while it lasts', () => {
    const a = new StoreAvailability();
    a.failed('redis', T + 60_000, 'no answer within 2000 ms');
    a.failed('redis', T + 120_000, 'no answer within 2000 ms');
    expect(a.freshness('redis', T, false, T + 130_000)).toEqual({
      state: 'stale',
      asOf: iso(T),
      unavailableSince: iso(T + 60_000),
      error: 'no answer within 2000 ms',
    });
    expect(a.isUp('redis')).toBe(false);
    expect(a.isUp('postgres')).toBe(true);
  });

  it('has no figures to show when there never were any, and forgets the outage once the store answers', () => {
    const a = new StoreAvailability();
    a.failed('postgres', T, 'a table is locked');
    expect(a.freshness('postgres', null, false, T + 1_000)).toMatchObject({ state: 'unavailable', asOf: null, unavailableSince: iso(T) });
    a.answered('postgres');
    expect(a.isUp('postgres')).toBe(true);
    expect(a.freshness('postgres', T + 2_000, true, T + 2_000).state).toBe('live');
  });
});

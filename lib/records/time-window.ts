import type { TimeAxis } from './states';

/** A listing's time filter: records whose `on` time lies in [fromMs, toMs); an absent end is open. */
export interface TimeWindow {
  fromMs?: number;
  toMs?: number;
  on: TimeAxis;
}

/** Whether an instant lies in the window; an unknown instant (null) never does. */
export function inWindow(ms: number | null, w: TimeWindow): boolean {
  if (ms === null || !Number.isFinite(ms)) return false;
  return (w.fromMs === undefined || ms >= w.fromMs) && (w.toMs === undefined || ms < w.toMs);
}

/**
 * A Redis key's instant on the axis, from what a peek tells: claimed `age`
 * seconds ago, expiring in `ttl` seconds. A key with no TTL never expires and
 * a key of unknown age has no recorded time: neither is in any window.
 */
export function keyInstant(nowMs: number, on: TimeAxis, key: { ageSeconds: number | null; ttlSeconds: number | null; noExpiry: boolean }): number | null {
  if (on === 'recorded') return key.ageSeconds === null ? null : nowMs - key.ageSeconds * 1000;
  return key.noExpiry || key.ttlSeconds === null ? null : nowMs + key.ttlSeconds * 1000;
}

import type { Freshness } from '@/lib/contract/read';

const STORE_LABELS = { redis: 'Redis', postgres: 'Postgres' } as const;

function clock(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** True when a store's figures must not pass for current ones. */
export function notLive(freshness: Freshness | undefined): boolean {
  return freshness !== undefined && freshness.state !== 'live';
}

/**
 * "Redis figures as of 14:01 — Redis not answering since 14:02": said once
 * per store whose figures are stale or missing, above the greyed figures.
 */
export function FreshnessNote({ store, freshness }: { store: 'redis' | 'postgres'; freshness: Freshness | undefined }) {
  if (!freshness || freshness.state === 'live' || !freshness.unavailableSince) return null;
  const name = STORE_LABELS[store];
  return (
    <p className="notice stale-note" role="status" data-testid={`stale-${store}`}>
      {freshness.state === 'stale' ? `${name} figures as of ${clock(freshness.asOf)} — ` : `No ${name} figures — `}
      {name} not answering since {clock(freshness.unavailableSince)}
      {freshness.error ? ` (${freshness.error})` : ''}.
    </p>
  );
}

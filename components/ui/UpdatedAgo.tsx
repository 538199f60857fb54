'use client';

import { formatDuration } from '@/lib/charts/format';
import { useNow } from './use-now';

interface UpdatedAgoProps {
  /** react-query's dataUpdatedAt (epoch ms); 0 before the first answer. */
  updatedAt: number;
  /** Age of the server's snapshot when this answer was produced. */
  snapshotAgeSeconds?: number | null;
  fetching?: boolean;
}

/** Says how fresh the numbers on screen are: when we fetched them, and how old the snapshot behind them was. */
export function UpdatedAgo({ updatedAt, snapshotAgeSeconds, fetching }: UpdatedAgoProps) {
  const now = useNow();
  if (!updatedAt) return null;
  const sinceFetch = Math.max(0, (now - updatedAt) / 1000);
  return (
    <p className="muted small" aria-live="off">
      <span data-testid="updated-ago">Updated {formatDuration(sinceFetch)} ago</span>
      {snapshotAgeSeconds != null ? (
        <span data-testid="snapshot-age"> · Redis snapshot age {formatDuration(snapshotAgeSeconds + sinceFetch)}</span>
      ) : null}
      {fetching ? <span> · refreshing…</span> : null}
    </p>
  );
}

'use client';

import type { OverviewResponse } from '@/lib/contract/read';
import { formatDuration } from '@/lib/charts/format';

/**
 * Says what the Redis figures are as of, what a keyspace pass costs, and how
 * the scanner is held to its budget on Redis (IDEMSCOPE_REDIS_BUDGET_PERCENT).
 */
export function ScanPacingNote({ overview }: { overview: OverviewResponse }) {
  const { snapshot, inFlightIndex } = overview.redis;
  const pacing = snapshot.pacing;
  return (
    <p className="muted small" data-testid="scan-pacing">
      {snapshot.completedAt ? (
        <span>
          Redis counts as of {new Date(snapshot.completedAt).toLocaleTimeString()}
          {snapshot.passDurationMs != null ? ` (that pass took ${formatDuration(snapshot.passDurationMs / 1000)})` : ''}.
        </span>
      ) : (
        <span>No keyspace pass has completed yet.</span>
      )}
      {pacing ? (
        <span data-testid="scan-budget">
          {' '}
          The scanner may use {pacing.budgetPercent} % of Redis&apos;s CPU while nobody looks
          {pacing.passAtBudgetMs != null ? `; a pass takes about ${formatDuration(pacing.passAtBudgetMs / 1000)} at this budget` : ''}.{' '}
          {pacing.mode === 'full-speed' ? 'Running at full speed while this page is open.' : `Next pass in ${formatDuration(pacing.nextPassAfterMs / 1000)} at most.`}
        </span>
      ) : null}
      {inFlightIndex ? (
        <span data-testid="in-flight-index">
          {' '}
          In-flight figures of patterns declared =idemscope read live from the library&apos;s index at{' '}
          {new Date(inFlightIndex.readAt).toLocaleTimeString()}
          {inFlightIndex.complete ? '' : ` (oldest ${inFlightIndex.examined} of ${inFlightIndex.members} read; the rest counted as processing)`}.
        </span>
      ) : null}
    </p>
  );
}

'use client';

import type { OverviewResponse, ScanPacing } from '@/lib/contract/read';
import { formatDuration } from '@/lib/charts/format';
import { useFreshOverview } from '@/components/queries/overview-fresh';

/**
 * Says what the Redis figures are as of, what a keyspace pass costs, and how
 * the scanner is held to its budgets on Redis; offers a pass at full speed
 * for whoever needs exact counts now.
 */
export function ScanPacingNote({ overview }: { overview: OverviewResponse }) {
  const { snapshot, inFlightIndex } = overview.redis;
  const pacing = snapshot.pacing;
  return (
    <div className="muted small" data-testid="scan-pacing">
      <p>
        {snapshot.completedAt ? (
          <span>
            Redis counts as of {new Date(snapshot.completedAt).toLocaleTimeString()}
            {snapshot.passDurationMs != null ? ` (that pass took ${formatDuration(snapshot.passDurationMs / 1000)})` : ''}.
          </span>
        ) : (
          <span>No keyspace pass has completed yet.</span>
        )}
        {pacing ? <BudgetNote pacing={pacing} /> : null}
        {inFlightIndex ? (
          <span data-testid="in-flight-index">
            {' '}
            In-flight figures of patterns declared =idemscope read live from the library&apos;s index at{' '}
            {new Date(inFlightIndex.readAt).toLocaleTimeString()}
            {inFlightIndex.complete ? '' : ` (oldest ${inFlightIndex.examined} of ${inFlightIndex.members} read; the rest counted as processing)`}.
          </span>
        ) : null}
      </p>
      {pacing ? <CountNow /> : null}
    </div>
  );
}

function BudgetNote({ pacing }: { pacing: ScanPacing }) {
  const takes = (ms: number | null) => (ms != null ? ` (a pass takes about ${formatDuration(ms / 1000)})` : '');
  return (
    <span data-testid="scan-budget">
      {' '}
      The scanner may use {pacing.viewerBudgetPercent} % of Redis&apos;s CPU while this page is open{takes(pacing.passAtViewerBudgetMs)} and{' '}
      {pacing.budgetPercent} % while nobody looks{takes(pacing.passAtBudgetMs)}.{' '}
      {pacing.mode === 'full-speed'
        ? 'Running at full speed for a request for exact counts.'
        : pacing.mode === 'viewer'
          ? `Running at ${pacing.viewerBudgetPercent} % while this page is open.`
          : `Next pass in ${formatDuration(pacing.nextPassAfterMs / 1000)} at most.`}
    </span>
  );
}

/** A pass at full speed, for when the counts must be exact now; it costs Redis more while it runs. */
function CountNow() {
  const fresh = useFreshOverview();
  return (
    <p>
      <button type="button" className="button" onClick={() => fresh.mutate()} disabled={fresh.isPending} data-testid="count-now">
        {fresh.isPending ? 'Counting at full speed…' : 'Count exactly now (full speed)'}
      </button>
      {fresh.isError ? (
        <span className="notice error" role="alert">
          Exact counts could not be had: {fresh.error.message}
        </span>
      ) : null}
    </p>
  );
}

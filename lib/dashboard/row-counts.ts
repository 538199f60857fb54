import type { DashboardDeps } from './deps';
import { rowClock } from '../stores/postgres/rules';
import type { PostgresCounts } from '../stores/postgres/read-store';

/** processed_messages counts by state, shared between the overview, expiry and metrics for a few seconds. */
export function sharedRowCounts(deps: DashboardDeps, nowMs: number): Promise<{ value: PostgresCounts; computedAtMs: number }> {
  return deps.memo.get('pg:row-counts', deps.config.aggregateCacheMs, () =>
    deps.postgres.counts(rowClock(nowMs, deps.config.stuckAfterSeconds, deps.config.retentionHours), {
      table: deps.config.exactTableRowLimit,
      exact: deps.config.exactCountLimit,
      inFlight: deps.config.inFlightCountLimit,
    }),
  );
}

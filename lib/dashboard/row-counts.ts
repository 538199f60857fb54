import type { DashboardDeps } from './deps';
import { rowClock } from '../stores/postgres/rules';
import type { PostgresCounts } from '../stores/postgres/read-store';

export const ROW_COUNTS_KEY = 'pg:row-counts';

/** processed_messages counts by state, shared between the overview, expiry and metrics for a few seconds. */
export function sharedRowCounts(deps: DashboardDeps, nowMs: number): Promise<{ value: PostgresCounts; computedAtMs: number }> {
  return deps.memo.get(ROW_COUNTS_KEY, deps.config.aggregateCacheMs, () =>
    deps.postgres.counts(rowClock(nowMs, deps.config.stuckAfterSeconds, deps.config.retentionHours), {
      table: deps.config.exactTableRowLimit,
      exact: deps.config.exactCountLimit,
      inFlight: deps.config.inFlightCountLimit,
    }),
  );
}

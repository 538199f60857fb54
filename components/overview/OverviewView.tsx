'use client';

import { useOverview } from '@/components/queries/overview';
import { ErrorNotice, Loading } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { StuckDefinition } from '@/components/ui/StuckDefinition';
import { UpdatedAgo } from '@/components/ui/UpdatedAgo';
import { DuplicateRatePanel } from './DuplicateRatePanel';
import { ExpiryPanel } from './ExpiryPanel';
import { HeadlineNumbers } from './HeadlineNumbers';
import { PatternsTable } from './PatternsTable';
import { HealthVerdict } from './HealthVerdict';
import { RecordCountsTable } from './RecordCountsTable';
import { ScanPacingNote } from './ScanPacingNote';
import { WatchedTablesPanel } from './WatchedTablesPanel';
import { StoreHealthPanel } from './StoreHealthPanel';
import { StuckRecordsTable } from './StuckRecordsTable';

export function OverviewView() {
  const overview = useOverview();
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Overview</h1>
        <div className="meta">
          <UpdatedAgo
            updatedAt={overview.dataUpdatedAt}
            snapshotAgeSeconds={overview.data?.redis.snapshotAgeSeconds}
            fetching={overview.isFetching}
          />
        </div>
      </div>
      {overview.data ? <HealthVerdict overview={overview.data} /> : null}
      <StoreHealthPanel />
      <Panel title="Right now" id="headline">
        {overview.isPending ? <Loading label="Loading numbers…" /> : null}
        {overview.isError ? (
          <ErrorNotice
            title={
              overview.data
                ? 'The overview could not be refreshed; the numbers below are from the last successful load.'
                : 'The overview could not be loaded.'
            }
            error={overview.error}
            onRetry={() => void overview.refetch()}
          />
        ) : null}
        {overview.data ? <HeadlineNumbers overview={overview.data} /> : null}
      </Panel>
      <DuplicateRatePanel />
      <Panel title="Oldest stuck records" id="oldest-stuck">
        {overview.data ? <StuckRecordsTable records={overview.data.oldestStuck} sources={overview.data.oldestStuckSources} /> : <Loading />}
        <StuckDefinition stuckAfterSeconds={overview.data?.rules?.stuckAfterSeconds} />
      </Panel>
      <div className="columns">
        <Panel title="Records by state" id="record-counts">
          {overview.data ? <RecordCountsTable overview={overview.data} /> : <Loading />}
          {overview.data ? <ScanPacingNote overview={overview.data} /> : null}
          {overview.data ? <WatchedTablesPanel overview={overview.data} /> : null}
        </Panel>
        <ExpiryPanel />
      </div>
      <Panel title="Key patterns" id="patterns">
        {overview.data ? <PatternsTable overview={overview.data} /> : <Loading />}
      </Panel>
    </div>
  );
}

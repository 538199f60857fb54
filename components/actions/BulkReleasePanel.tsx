'use client';

import { useId, useRef, useState } from 'react';
import type { ActionStore, PreviewSources } from '@/lib/contract/actions';
import { newActionId } from '@/components/queries/action-client';
import { formatCount } from '@/lib/charts/format';
import { useOverview } from '@/components/queries/overview';
import { useConfirmRelease, usePreviewRelease, useRefreshAfterRelease } from '@/components/queries/release';
import { useActionAccess } from '@/components/queries/session';
import { ErrorNotice } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { Segmented } from '@/components/ui/Segmented';
import { StuckDefinition } from '@/components/ui/StuckDefinition';
import { Timestamp } from '@/components/ui/Timestamp';
import { ActionOutcome } from './ActionOutcome';
import { DisabledAction } from './DisabledAction';
import { ConfirmWithReason } from './ConfirmWithReason';
import { PreviewTable } from './PreviewTable';

const STORES = [
  { value: 'redis', label: 'Redis keys' },
  { value: 'postgres', label: 'Postgres rows' },
] as const satisfies readonly { value: ActionStore; label: string }[];

/**
 * "Release every stuck record (older than X)": preview the matching records
 * (count, sample, state seen), then confirm with a reason. Viewers see the
 * panel with its button disabled and the reason.
 */
export function BulkReleasePanel({ initialStore = 'redis' }: { initialStore?: ActionStore }) {
  const access = useActionAccess();
  const [store, setStore] = useState<ActionStore>(initialStore);
  if (access.hidden) return null;
  return (
    <Panel title="Release stuck records" className="stack" aside={<Segmented label="Store" options={STORES} value={store} onChange={setStore} />}>
      {access.allowed ? <BulkRelease key={store} store={store} /> : <DisabledAction label="Preview release" reason={access.reason} />}
    </Panel>
  );
}

/** What the overview counted as stuck in this store, so the preview's count can be checked against it. */
function OverviewStuck({ store }: { store: ActionStore }) {
  const overview = useOverview();
  const count = overview.data?.[store].stuck;
  return (
    <>
      <StuckDefinition stuckAfterSeconds={overview.data?.rules?.stuckAfterSeconds} />
      {count != null ? (
        <p className="muted small" data-testid="overview-stuck-count">
          The overview counts {formatCount(count)} stuck in {store === 'redis' ? 'Redis' : 'Postgres'}; with 0 minutes the preview
          looks for all of them.
        </p>
      ) : null}
    </>
  );
}

function BulkRelease({ store }: { store: ActionStore }) {
  const minutesId = useId();
  // 0: every stuck record, the same set the overview counts; a higher value narrows it to the oldest.
  const [minutes, setMinutes] = useState('0');
  const preview = usePreviewRelease(store);
  const confirm = useConfirmRelease(store);
  const refresh = useRefreshAfterRelease(store);
  const actionId = useRef(newActionId());
  const olderThanSeconds = Math.round(Number(minutes) * 60);
  const valid = Number.isFinite(olderThanSeconds) && olderThanSeconds >= 0;
  const data = preview.data;

  const runPreview = () => {
    confirm.reset();
    actionId.current = newActionId();
    preview.mutate({ olderThanSeconds });
  };

  return (
    <div className="stack">
      <OverviewStuck store={store} />
      <div className="toolbar">
        <div className="field">
          <label htmlFor={minutesId}>Stuck for at least (minutes; 0 = every stuck record)</label>
          <input id={minutesId} type="number" min={0} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
        </div>
        <button type="button" className="button primary" disabled={!valid || preview.isPending} onClick={runPreview}>
          {preview.isPending ? 'Looking…' : 'Preview'}
        </button>
      </div>
      {preview.isError ? <ErrorNotice title="The preview failed." error={preview.error} onRetry={runPreview} /> : null}
      {data && !confirm.data ? (
        <div className="stack" data-testid="bulk-release-preview">
          <p role="status">
            <strong>{data.count}</strong> stuck record{data.count === 1 ? '' : 's'} would be released
            {data.more ? ` (more match: at most ${data.count} per request; release these, then preview again)` : ''}.
            {!data.complete ? ` The bounded scan stopped after ${data.examined} keys, so this is not every match.` : ''}
          </p>
          {data.sources ? <PreviewSource sources={data.sources} /> : null}
          {data.count ? (
            <>
              <PreviewTable items={data.wouldRelease} caption="Stuck records that would be released" />
              <ConfirmWithReason
                label={`Release ${data.count} record${data.count === 1 ? '' : 's'}`}
                pendingLabel="Releasing…"
                pending={confirm.isPending}
                onConfirm={(reason) =>
                  confirm.mutate(
                    { keys: data.wouldRelease.map(({ key, seen }) => ({ key, seen })), reason, actionId: actionId.current },
                    { onSettled: refresh },
                  )
                }
              />
            </>
          ) : null}
        </div>
      ) : null}
      {confirm.isError ? <ErrorNotice title="The release failed." error={confirm.error} /> : null}
      {confirm.data ? <ActionOutcome testId="release-result" done={`Released ${confirm.data.released.length}`} skipped={confirm.data.skipped} /> : null}
    </div>
  );
}

/** Where a Redis preview found its candidates, and when they were read. */
function PreviewSource({ sources }: { sources: PreviewSources }) {
  const parts = [
    sources.inFlightIndex ? `the library's in-flight index (${formatCount(sources.inFlightIndex.members)} claims read, no scan)` : null,
    sources.scan ? `a scan of ~${formatCount(sources.scan.keys)} keys${sources.inFlightIndex ? ' of the other patterns' : ''}` : null,
  ].filter(Boolean);
  return (
    <p className="muted small" data-testid="bulk-release-source">
      Found in {parts.join(' and ')} · read <Timestamp iso={sources.readAt} />
    </p>
  );
}

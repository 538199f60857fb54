'use client';

import { useId, useRef, useState } from 'react';
import type { ActionStore } from '@/lib/contract/actions';
import { newActionId } from '@/components/queries/action-client';
import { useConfirmRelease, usePreviewRelease, useRefreshAfterRelease } from '@/components/queries/release';
import { useCanAct } from '@/components/queries/session';
import { ErrorNotice } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { Segmented } from '@/components/ui/Segmented';
import { ActionOutcome } from './ActionOutcome';
import { ConfirmWithReason } from './ConfirmWithReason';
import { PreviewTable } from './PreviewTable';

const STORES = [
  { value: 'redis', label: 'Redis keys' },
  { value: 'postgres', label: 'Postgres rows' },
] as const satisfies readonly { value: ActionStore; label: string }[];

/**
 * "Release all stuck older than X": preview the matching records (count,
 * sample, state seen), then confirm with a reason. Operators only.
 */
export function BulkReleasePanel({ initialStore = 'redis' }: { initialStore?: ActionStore }) {
  const canAct = useCanAct();
  const [store, setStore] = useState<ActionStore>(initialStore);
  if (!canAct) return null;
  return (
    <Panel title="Release stuck records" className="stack" aside={<Segmented label="Store" options={STORES} value={store} onChange={setStore} />}>
      <BulkRelease key={store} store={store} />
    </Panel>
  );
}

function BulkRelease({ store }: { store: ActionStore }) {
  const minutesId = useId();
  const [minutes, setMinutes] = useState('60');
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
      <div className="toolbar">
        <div className="field">
          <label htmlFor={minutesId}>Stuck for at least (minutes)</label>
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

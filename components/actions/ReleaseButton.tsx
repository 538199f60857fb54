'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ActionStore, ReleasePreview, ReleaseResult } from '@/lib/contract/actions';
import { newActionId } from '@/components/queries/action-client';
import { useConfirmRelease, usePreviewRelease, useRefreshAfterRelease } from '@/components/queries/release';
import { useActionAccess } from '@/components/queries/session';
import { ErrorNotice } from '@/components/ui/Notice';
import { ActionDialog } from './ActionDialog';
import { ActionOutcome } from './ActionOutcome';
import { DisabledAction } from './DisabledAction';
import { PreviewTable } from './PreviewTable';
import { ReasonField } from './ReasonField';
import { SkippedList } from './SkippedList';
import styles from './actions.module.css';

/**
 * Releases the given in-flight records: a preview first (what each record
 * looks like now), then a confirmation that releases only those still exactly
 * as previewed. A viewer sees it disabled with the reason; `compact` (table
 * rows) keeps the reason for the hover title and screen readers.
 */
export function ReleaseButton({ store, keys, label = 'Release', compact }: { store: ActionStore; keys: string[]; label?: string; compact?: boolean }) {
  const access = useActionAccess();
  const [open, setOpen] = useState(false);
  if (access.hidden || keys.length === 0) return null;
  if (!access.allowed) return <DisabledAction label={label} reason={access.reason} compact={compact} />;
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} aria-label={keys.length === 1 ? `${label} ${keys[0]}` : `${label} ${keys.length} records`}>
        {label}
      </button>
      {open ? <ReleaseDialog store={store} keys={keys} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ReleaseDialog({ store, keys, onClose: close }: { store: ActionStore; keys: string[]; onClose: () => void }) {
  const preview = usePreviewRelease(store);
  const confirm = useConfirmRelease(store);
  const refresh = useRefreshAfterRelease(store);
  const released = confirm.isSuccess;
  const onClose = useCallback(() => {
    close();
    if (released) refresh();
  }, [close, refresh, released]);
  const [reason, setReason] = useState('');
  // One id per dialog: a double click or a retry after a network error runs the release once.
  const actionId = useRef(newActionId());
  const { mutate: runPreview } = preview;
  const startPreview = useCallback(() => runPreview({ keys }), [keys, runPreview]);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    startPreview();
  }, [startPreview]);
  const bulk = keys.length > 1;
  const data: ReleasePreview | undefined = preview.data;
  const result: ReleaseResult | undefined = confirm.data;

  return (
    <ActionDialog title={bulk ? `Release ${keys.length} records` : 'Release record'} onClose={onClose}>
      {preview.isPending ? <p role="status">Reading the current state…</p> : null}
      {preview.isError ? <ErrorNotice title="The preview failed." error={preview.error} onRetry={startPreview} /> : null}
      {data && !result ? (
        <>
          <p>
            {data.count === 0
              ? 'Nothing to release: no named record is in flight now.'
              : `${data.count} record${data.count === 1 ? '' : 's'} in flight. Releasing deletes the claim so the next delivery processes the message again; a record that completes or changes before you confirm is left alone.`}
          </p>
          {data.count ? <PreviewTable items={data.wouldRelease} caption="Records that would be released" /> : null}
          <SkippedList skipped={data.skipped} />
          {data.count ? <ReasonField value={reason} onChange={setReason} required={bulk} /> : null}
        </>
      ) : null}
      {confirm.isError ? <ErrorNotice title="The release failed." error={confirm.error} /> : null}
      {result ? <ActionOutcome testId="release-result" done={`Released ${result.released.length}`} skipped={result.skipped} /> : null}
      <div className={styles.buttons}>
        {data && data.count > 0 && !result ? (
          <button
            type="button"
            className={`button ${styles.danger}`}
            disabled={confirm.isPending || (bulk && reason.trim() === '')}
            onClick={() =>
              confirm.mutate({
                keys: data.wouldRelease.map(({ key, seen }) => ({ key, seen })),
                reason: reason.trim() || undefined,
                actionId: actionId.current,
              })
            }
          >
            {confirm.isPending ? 'Releasing…' : `Confirm release${data.count > 1 ? ` of ${data.count}` : ''}`}
          </button>
        ) : null}
        <button type="button" className="button" onClick={onClose}>
          {result ? 'Close' : 'Cancel'}
        </button>
      </div>
    </ActionDialog>
  );
}

'use client';

import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { PostgresPurgeStarted, RedisPurgeResult } from '@/lib/contract/actions';
import { formatCount } from '@/lib/charts/format';
import { newActionId } from '@/components/queries/action-client';
import { previewPurge, useConfirmPurge } from '@/components/queries/purge';
import { useRecentPurgeJobs } from '@/components/queries/purge-jobs';
import { useActionAccess } from '@/components/queries/session';
import { ErrorNotice } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { Segmented } from '@/components/ui/Segmented';
import { ActionOutcome } from './ActionOutcome';
import { ConfirmWithReason } from './ConfirmWithReason';
import { DisabledAction } from './DisabledAction';
import { PreviewTable } from './PreviewTable';
import { PurgeJobProgress } from './PurgeJobProgress';
import styles from './actions.module.css';

type PurgeStore = 'postgres' | 'redis';
const STORES = [
  { value: 'postgres', label: 'Postgres rows' },
  { value: 'redis', label: 'Redis keys without TTL' },
] as const satisfies readonly { value: PurgeStore; label: string }[];

/**
 * Purge of expired records. Postgres: a dry-run count, then a batched job
 * with progress, cancel and resume. Redis: keys Redis would never expire by
 * itself, then "apply TTL" or delete. Viewers see the panel disabled, with the reason.
 */
export function PurgePanel() {
  const access = useActionAccess();
  const [store, setStore] = useState<PurgeStore>('postgres');
  if (access.hidden) return null;
  if (!access.allowed) {
    return (
      <Panel title="Purge expired records" className="stack">
        <DisabledAction label="Preview purge" reason={access.reason} />
      </Panel>
    );
  }
  return (
    <Panel title="Purge expired records" className="stack" aside={<Segmented label="Store" options={STORES} value={store} onChange={setStore} />}>
      {store === 'postgres' ? <PostgresPurge /> : <RedisPurge />}
    </Panel>
  );
}

function PostgresPurge() {
  const recent = useRecentPurgeJobs();
  const count = useMutation({ mutationFn: () => previewPurge('postgres') });
  const start = useConfirmPurge();
  const actionId = useRef(newActionId());
  const startedJob = (start.data as PostgresPurgeStarted | undefined)?.jobId;
  const latest = recent.data?.items[0];
  const jobId = startedJob ?? (latest && latest.status !== 'completed' ? latest.jobId : null);

  return (
    <div className="stack">
      {jobId ? <PurgeJobProgress jobId={jobId} /> : null}
      <div className={styles.buttons}>
        <button type="button" className="button primary" disabled={count.isPending} onClick={() => count.mutate()}>
          {count.isPending ? 'Counting…' : 'Count expired rows'}
        </button>
      </div>
      {count.isError ? <ErrorNotice title="The count failed." error={count.error} /> : null}
      {count.data && !startedJob ? (
        <div className="stack" data-testid="purge-preview">
          <p role="status">
            <strong>
              {count.data.estimated ? '≈ ' : ''}
              {formatCount(count.data.wouldPurge)}
            </strong>{' '}
            rows are past their expiry or the {count.data.retentionHours} h retention in <code>{count.data.table}</code>
            {count.data.estimated ? ' (planner estimate: too many to count cheaply)' : ''}. Rows in flight and rows not yet expired are never
            touched; the purge deletes at most {formatCount(count.data.batchSize)} rows per short transaction.
          </p>
          {count.data.partitions ? (
            <div className="muted" data-testid="purge-partitions">
              <p>
                Partitioned table: {count.data.partitions.drop.length} partition{count.data.partitions.drop.length === 1 ? '' : 's'} entirely past
                retention {count.data.partitions.drop.length === 1 ? 'is' : 'are'} dropped whole (detached first, so consumers are not blocked); then
                the expired rows of {count.data.partitions.batch.length} partition{count.data.partitions.batch.length === 1 ? '' : 's'} at the cut are
                deleted in batches. Dropping needs the table&apos;s owner role.
              </p>
              <ul>
                {count.data.partitions.drop.map((p) => (
                  <li key={p.name}>
                    drop <code>{p.name}</code>: ≈ {formatCount(p.rows)} rows
                  </li>
                ))}
                {count.data.partitions.batch.map((p) => (
                  <li key={p.name}>
                    batches in <code>{p.name}</code>: {formatCount(p.rows)} expired rows
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {count.data.timeIndexed ? null : (
            <p className="muted" data-testid="purge-no-time-index">
              This table has no index on its time column: counting reads the whole table, and the purge walks it in bounded
              batches (each one short transaction), so it takes longer but never holds locks for long.
            </p>
          )}
          {count.data.wouldPurge > 0 ? (
            <ConfirmWithReason
              label="Start purge"
              pending={start.isPending}
              onConfirm={(reason) => start.mutate({ store: 'postgres', reason, actionId: actionId.current })}
            />
          ) : null}
        </div>
      ) : null}
      {start.isError ? <ErrorNotice title="The purge could not start." error={start.error} /> : null}
    </div>
  );
}

const MODES = [
  { value: 'expire', label: 'Apply TTL' },
  { value: 'delete', label: 'Delete' },
] as const;

function RedisPurge() {
  const preview = useMutation({ mutationFn: () => previewPurge('redis') });
  const confirm = useConfirmPurge();
  const [mode, setMode] = useState<'expire' | 'delete'>('expire');
  // Every previewed key starts selected; the operator may narrow it down.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const actionId = useRef(newActionId());
  const data = preview.data;
  const result = confirm.data as RedisPurgeResult | undefined;
  const hours = data ? Math.round(data.ttlSeconds / 3600) : null;
  const chosen = data ? data.wouldPurge.filter((item) => selected.has(item.key)) : [];

  const runPreview = () => {
    confirm.reset();
    actionId.current = newActionId();
    preview.mutate(undefined, { onSuccess: (found) => setSelected(new Set(found.wouldPurge.map((item) => item.key))) });
  };

  return (
    <div className="stack">
      <div className={styles.buttons}>
        <button type="button" className="button primary" disabled={preview.isPending} onClick={runPreview}>
          {preview.isPending ? 'Scanning…' : 'Find keys without expiry'}
        </button>
      </div>
      {preview.isError ? <ErrorNotice title="The scan failed." error={preview.error} /> : null}
      {data && !result ? (
        <div className="stack" data-testid="redis-purge-preview">
          <p role="status">
            <strong>{data.count}</strong> key{data.count === 1 ? '' : 's'} Redis will never expire on its own (no TTL, or a Powertools record past its own
            expiration){data.more ? `; more exist, at most ${data.count} per request` : ''}.
            {!data.complete ? ` The bounded scan stopped after ${data.examined} keys.` : ''}
          </p>
          {data.count ? (
            <>
              <PreviewTable items={data.wouldPurge} caption="Keys that would be purged" selection={{ selected, onChange: setSelected }} />
              <Segmented
                label="Purge mode"
                options={MODES.map((m) => (m.value === 'expire' ? { ...m, label: `Apply TTL (${hours} h)` } : m))}
                value={mode}
                onChange={setMode}
              />
              <ConfirmWithReason
                label={mode === 'expire' ? `Apply TTL to ${chosen.length}` : `Delete ${chosen.length}`}
                pending={confirm.isPending}
                disabled={chosen.length === 0}
                typedConfirmation={mode === 'delete' ? 'delete' : undefined}
                onConfirm={(reason) =>
                  confirm.mutate({
                    store: 'redis',
                    mode,
                    keys: chosen.map(({ key, seen }) => ({ key, seen })),
                    reason,
                    actionId: actionId.current,
                  })
                }
              />
            </>
          ) : null}
        </div>
      ) : null}
      {confirm.isError ? <ErrorNotice title="The purge failed." error={confirm.error} /> : null}
      {result ? (
        <ActionOutcome
          testId="redis-purge-result"
          done={`${result.mode === 'expire' ? 'TTL applied to' : 'Deleted'} ${result.purged.length}`}
          skipped={result.skipped}
        />
      ) : null}
    </div>
  );
}

'use client';

import { formatCount } from '@/lib/charts/format';
import { usePurgeJob } from '@/components/queries/purge-job';
import { usePurgeJobCommand } from '@/components/queries/purge-job-control';
import { ErrorNotice } from '@/components/ui/Notice';
import styles from './actions.module.css';

const STATUS_TEXT: Record<string, string> = {
  running: 'Running',
  waiting: 'Waiting (retries by itself)',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
  interrupted: 'Interrupted (its server process stopped)',
};

/** A purge job's progress, polled while it runs, with cancel and resume. */
export function PurgeJobProgress({ jobId }: { jobId: string }) {
  const job = usePurgeJob(jobId);
  const command = usePurgeJobCommand(jobId);
  if (job.isPending) return <p role="status">Loading the purge job…</p>;
  if (job.isError) return <ErrorNotice title="The purge job could not be read." error={job.error} onRetry={() => void job.refetch()} />;

  const { status, purged, estimatedTotal, estimated, scanned, cancelRequested, error } = job.data;
  // How far the walk through the table has got: exact, where the expected count may be an estimate.
  const percent = status === 'completed' ? 100 : Math.min(99, Math.floor(scanned * 100));
  const resumable = status === 'cancelled' || status === 'failed' || status === 'interrupted';
  return (
    <div className="stack" data-testid="purge-job">
      <dl className={styles.summary}>
        <div>
          <dt>Status</dt>
          <dd data-testid="purge-job-status">{cancelRequested && status === 'running' ? 'Cancelling…' : STATUS_TEXT[status]}</dd>
        </div>
        <div>
          <dt>Purged</dt>
          <dd>{formatCount(purged)}</dd>
        </div>
        <div>
          <dt>{estimated ? 'Expected (estimate)' : 'Expected'}</dt>
          <dd>{estimatedTotal === null ? '—' : formatCount(estimatedTotal)}</dd>
        </div>
        <div>
          <dt>Table walked</dt>
          <dd>{percent} %</dd>
        </div>
      </dl>
      <div
        className={styles.progress}
        role="progressbar"
        aria-label="Purge progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className={styles.progressFill} style={{ width: `${percent}%` }} />
      </div>
      {error && status === 'waiting' ? (
        <p className="notice" data-testid="purge-job-waiting">
          Paused, {error.replace(/^waiting: /, '')}: the job retries with backoff and carries on by itself. Every batch before it is committed.
        </p>
      ) : error ? (
        <p className="notice error">The last batch failed: {error}. Every batch before it is committed; resume to carry on.</p>
      ) : null}
      <div className={styles.buttons}>
        {status === 'running' || status === 'waiting' ? (
          <button type="button" className="button" disabled={command.isPending || cancelRequested} onClick={() => command.mutate('cancel')}>
            Cancel purge
          </button>
        ) : null}
        {resumable ? (
          <button type="button" className="button primary" disabled={command.isPending} onClick={() => command.mutate('resume')}>
            Resume purge
          </button>
        ) : null}
      </div>
      {command.isError ? <ErrorNotice title="The command failed." error={command.error} /> : null}
    </div>
  );
}

import type { MessageDetail } from '@/lib/contract/read';
import { formatCount, formatDuration } from '@/lib/charts/format';
import { CopyButton } from '@/components/ui/CopyButton';
import { StateBadge } from '@/components/ui/StateBadge';
import { Timestamp } from '@/components/ui/Timestamp';
import { RecordActions } from './ActionsSlot';
import { ValueView } from './ValueView';

/** Everything known about one processed_messages row. */
export function MessageDetailView({ detail }: { detail: MessageDetail }) {
  return (
    <article className="stack" aria-label={`Postgres message ${detail.messageId}`} data-testid="message-detail">
      <dl className="fields">
        <dt>Store</dt>
        <dd>Postgres</dd>
        <dt>Table</dt>
        <dd className="mono" data-testid="record-table">{detail.table}</dd>
        <dt>Message id</dt>
        <dd className="mono">
          <span>{detail.messageId}</span> <CopyButton text={detail.messageId} label="message id" />
        </dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={detail.state} /> <span className="muted">(status {detail.status})</span>
        </dd>
        <dt>Consumer</dt>
        <dd>{detail.consumer}</dd>
        <dt>Age</dt>
        <dd>{formatDuration(detail.ageSeconds)}</dd>
        <dt>Owner</dt>
        <dd className="mono">{detail.owner ?? '—'}</dd>
        <dt>Attempts</dt>
        <dd>{formatCount(detail.attempts)}</dd>
        <dt>Duplicates</dt>
        <dd>{formatCount(detail.duplicates)}</dd>
        <dt>Claimed</dt>
        <dd>
          <Timestamp iso={detail.claimedAt} />
        </dd>
        <dt>Processed</dt>
        <dd>
          <Timestamp iso={detail.processedAt} />
        </dd>
        <dt>Last seen</dt>
        <dd>
          <Timestamp iso={detail.lastSeenAt} />
        </dd>
        <dt>Lease expires</dt>
        <dd>
          <Timestamp iso={detail.leaseExpiresAt} />
        </dd>
        <dt>Expires</dt>
        <dd>
          <Timestamp iso={detail.expiresAt} />
        </dd>
        <dt>Fingerprint</dt>
        <dd className="mono">{detail.fingerprint ?? '—'}</dd>
      </dl>
      <RecordActions store="postgres" id={detail.messageId} state={detail.state} />
      <ValueView
        value={detail.result}
        encoding={detail.result === null || detail.result === undefined ? 'none' : 'json'}
        maskedPaths={detail.maskedPaths}
        label="Stored result"
      />
    </article>
  );
}

import type { KeyDetail } from '@/lib/contract/read';
import { formatCount, formatDuration } from '@/lib/charts/format';
import { CopyButton } from '@/components/ui/CopyButton';
import { StateBadge } from '@/components/ui/StateBadge';
import { Timestamp } from '@/components/ui/Timestamp';
import { RecordActions } from './ActionsSlot';
import { ValueView } from './ValueView';

function ttl(detail: KeyDetail) {
  if (detail.noExpiry) return <span className="badge state-expired">no expiry</span>;
  return formatDuration(detail.ttlSeconds);
}

/** Everything known about one Redis key. */
export function KeyDetailView({ detail }: { detail: KeyDetail }) {
  return (
    <article className="stack" aria-label={`Redis key ${detail.key}`} data-testid="key-detail">
      <dl className="fields">
        <dt>Store</dt>
        <dd>Redis</dd>
        <dt>Key</dt>
        <dd className="mono">
          <span>{detail.key}</span> <CopyButton text={detail.key} label="key" />
        </dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={detail.state} />
          {detail.stuckReason ? <span className="muted"> ({detail.stuckReason})</span> : null}
          {detail.explanation ? (
            <p className="small" data-testid="state-explanation">
              {detail.explanation}
            </p>
          ) : null}
        </dd>
        <dt>Format</dt>
        <dd>
          {detail.format} <span className="muted">({detail.redisType})</span>
          <p className="small muted" data-testid="format-reason">
            {detail.formatReason}
          </p>
        </dd>
        {detail.pointer ? (
          <>
            <dt>BullMQ job</dt>
            <dd className="mono">
              {detail.pointer} <span className="muted">({detail.nativeState ?? 'unknown'})</span>
            </dd>
          </>
        ) : null}
        <dt>TTL</dt>
        <dd>{ttl(detail)}</dd>
        <dt>Age</dt>
        <dd>{formatDuration(detail.ageSeconds)}</dd>
        <dt>Consumer</dt>
        <dd>{detail.consumer ?? '—'}</dd>
        <dt>Owner</dt>
        <dd className="mono">{detail.owner ?? '—'}</dd>
        <dt>Started</dt>
        <dd>
          <Timestamp iso={detail.startedAt} />
        </dd>
        <dt>Completed</dt>
        <dd>
          <Timestamp iso={detail.completedAt} />
        </dd>
        <dt>Lease expires</dt>
        <dd>
          <Timestamp iso={detail.leaseExpiresAt} />
        </dd>
        <dt>Format expiry</dt>
        <dd>
          <Timestamp iso={detail.expiresAt} />
        </dd>
        <dt>Attempts</dt>
        <dd>{detail.attempts == null ? 'not recorded by this format' : formatCount(detail.attempts)}</dd>
        <dt>Duplicates</dt>
        <dd>{detail.duplicates == null ? 'not recorded by this format' : formatCount(detail.duplicates)}</dd>
        <dt>Fingerprint</dt>
        <dd className="mono">{detail.fingerprint ?? '—'}</dd>
        <dt>Pattern</dt>
        <dd className="mono">{detail.pattern ?? '—'}</dd>
        <dt>Value size</dt>
        <dd>{detail.valueBytes == null ? '—' : `${formatCount(detail.valueBytes)} bytes`}</dd>
      </dl>
      <RecordActions store="redis" id={detail.key} state={detail.state} allowed={detail.releasable} />
      <ValueView
        value={detail.value}
        encoding={detail.valueEncoding}
        truncated={detail.valueTruncated}
        maskedPaths={detail.maskedPaths}
        label="Stored value"
      />
    </article>
  );
}

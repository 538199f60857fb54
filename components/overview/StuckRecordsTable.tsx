import Link from 'next/link';
import type { Sources, StuckRecord } from '@/lib/contract/read';
import { formatDuration } from '@/lib/charts/format';
import { recordHref } from '@/components/explorer/links';
import { KeyText } from '@/components/ui/KeyText';
import { EmptyNotice } from '@/components/ui/Notice';

function age(r: StuckRecord): string {
  if (r.ageSeconds != null) return formatDuration(r.ageSeconds);
  // Some formats record no start time; say what is known instead of a blank.
  if (r.stuckForSeconds != null) return `lease ended ${formatDuration(r.stuckForSeconds)} ago`;
  return 'never expires';
}

const STORE_LABELS = { redis: 'Redis', postgres: 'Postgres' } as const;

/** A store whose records could not be read must not look like a store with none stuck. */
function MissingSources({ sources }: { sources?: Sources }) {
  if (!sources?.missing.length) return null;
  return (
    <p className="notice" role="status" data-testid="oldest-stuck-missing">
      Without {sources.missing.map((s) => STORE_LABELS[s]).join(' and ')}: it did not answer, so its stuck records are not listed.
    </p>
  );
}

export function StuckRecordsTable({ records, sources }: { records: StuckRecord[]; sources?: Sources }) {
  if (records.length === 0) {
    return (
      <>
        <MissingSources sources={sources} />
        {sources?.used.length === 0 ? null : <EmptyNotice>No stuck records. Every in-flight record is within its lease.</EmptyNotice>}
      </>
    );
  }
  return (
    <div className="table-wrap">
      <MissingSources sources={sources} />
      <table className="data stackable" data-testid="oldest-stuck">
        <caption>Oldest first, both stores.</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Age
            </th>
            <th scope="col">Store</th>
            <th scope="col">Key / message id</th>
            <th scope="col">Why</th>
            <th scope="col">Consumer</th>
            <th scope="col">Owner</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={`${r.store}:${r.id}`}>
              <td className="num" data-label="Age">{age(r)}</td>
              <td data-label="Store">{r.store}</td>
              <td className="key" data-label="Key / id">
                <KeyText text={r.id} wrap={(inner) => <Link href={recordHref(r.store, r.id)}>{inner}</Link>} />
              </td>
              <td data-label="Why">{[r.nativeState, r.stuckReason].filter(Boolean).join(' · ') || '—'}</td>
              <td data-label="Consumer">{r.consumer ?? '—'}</td>
              <td className="mono" data-label="Owner">{r.owner ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

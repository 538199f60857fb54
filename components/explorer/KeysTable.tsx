'use client';

import Link from 'next/link';
import { formatDuration } from '@/lib/charts/format';
import type { KeyListFilters } from '@/components/queries/query-keys';
import { useKeys } from '@/components/queries/keys';
import { useOverview } from '@/components/queries/overview';
import { KeyText } from '@/components/ui/KeyText';
import { StateBadge } from '@/components/ui/StateBadge';
import { RowActions } from './ActionsSlot';
import { PagedRecords } from './PagedRecords';
import { recordHref } from './links';

export function KeysTable({ filters }: { filters: KeyListFilters }) {
  const keys = useKeys(filters);
  const overview = useOverview();
  // A search's SCAN walks the whole database (MATCH filters after), so it is measured against DBSIZE.
  const searchedOf = filters.search ? { total: overview.data?.health.redis.keyspaceSize ?? null, estimated: false, unit: 'keys in the database' } : null;
  return (
    <PagedRecords
      query={keys}
      searchedOf={searchedOf}
      unit="keys"
      loading="Scanning keys…"
      failed="Keys could not be listed."
      noneYet="No matching key in the part of the keyspace scanned so far."
      none="No key matches these filters."
    >
      {(items) => (
        <div className="table-wrap">
          <table className="data stackable" data-testid="records-table">
            <caption className="sr-only">Redis keys</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">State</th>
                <th scope="col">Format</th>
                <th scope="col">Why</th>
                <th scope="col" className="num">
                  TTL
                </th>
                <th scope="col" className="num">
                  Age
                </th>
                <th scope="col">Consumer</th>
                <th scope="col">Owner</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.key}>
                  <td className="key" data-label="Key">
                    <KeyText text={item.key} wrap={(inner) => <Link href={recordHref('redis', item.key)}>{inner}</Link>} />
                  </td>
                  <td data-testid="row-state" data-label="State">
                    <StateBadge state={item.state} />
                  </td>
                  <td data-label="Format">{item.format}</td>
                  <td data-label="Why" data-testid="row-reason">{[item.nativeState, item.stuckReason].filter(Boolean).join(' · ') || '—'}</td>
                  <td className="num" data-label="TTL">{item.noExpiry ? <span className="badge state-expired">none</span> : formatDuration(item.ttlSeconds)}</td>
                  <td className="num" data-label="Age">{formatDuration(item.ageSeconds)}</td>
                  <td data-label="Consumer">{item.consumer ?? '—'}</td>
                  <td className="mono" data-label="Owner">{item.owner ?? '—'}</td>
                  <td>
                    <RowActions store="redis" id={item.key} state={item.state} allowed={item.releasable} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </PagedRecords>
  );
}

'use client';

import Link from 'next/link';
import { formatDuration } from '@/lib/charts/format';
import type { KeyListFilters } from '@/components/queries/query-keys';
import { PAGE_SIZE, useKeys } from '@/components/queries/keys';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { StateBadge } from '@/components/ui/StateBadge';
import { RowActions } from './ActionsSlot';
import { LoadMore } from './LoadMore';
import { useAutoContinue } from './use-auto-continue';
import { recordHref } from './links';

export function KeysTable({ filters }: { filters: KeyListFilters }) {
  const keys = useKeys(filters);
  const loadMore = useAutoContinue(keys, PAGE_SIZE);
  if (keys.isPending) return <Loading label="Scanning keys…" />;
  if (keys.isError) return <ErrorNotice title="Keys could not be listed." error={keys.error} onRetry={() => void keys.refetch()} />;

  const items = keys.data.pages.flatMap((page) => page.items);
  const examined = keys.data.pages.reduce((sum, page) => sum + page.examined, 0);
  return (
    <div className="stack">
      {items.length === 0 ? (
        <EmptyNotice>
          {keys.hasNextPage ? 'No matching key in the part of the keyspace scanned so far.' : 'No key matches these filters.'}
        </EmptyNotice>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="records-table">
            <caption className="sr-only">Redis keys</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">State</th>
                <th scope="col">Format</th>
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
                  <td className="key">
                    <Link href={recordHref('redis', item.key)}>{item.key}</Link>
                  </td>
                  <td data-testid="row-state">
                    <StateBadge state={item.state} />
                  </td>
                  <td>{item.format}</td>
                  <td className="num">{item.noExpiry ? <span className="badge state-expired">none</span> : formatDuration(item.ttlSeconds)}</td>
                  <td className="num">{formatDuration(item.ageSeconds)}</td>
                  <td>{item.consumer ?? '—'}</td>
                  <td className="mono">{item.owner ?? '—'}</td>
                  <td>
                    <RowActions store="redis" id={item.key} state={item.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore
        hasNextPage={keys.hasNextPage}
        isFetchingNextPage={keys.isFetchingNextPage}
        onLoadMore={loadMore}
        shown={items.length}
        examined={examined}
        unit="keys"
      />
    </div>
  );
}

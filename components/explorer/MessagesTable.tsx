'use client';

import Link from 'next/link';
import { formatCount, formatDuration } from '@/lib/charts/format';
import type { MessageListFilters } from '@/components/queries/query-keys';
import { PAGE_SIZE } from '@/components/queries/keys';
import { useMessages } from '@/components/queries/messages';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { StateBadge } from '@/components/ui/StateBadge';
import { Timestamp } from '@/components/ui/Timestamp';
import { RowActions } from './ActionsSlot';
import { LoadMore } from './LoadMore';
import { useAutoContinue } from './use-auto-continue';
import { recordHref } from './links';

export function MessagesTable({ filters }: { filters: MessageListFilters }) {
  const messages = useMessages(filters);
  const loadMore = useAutoContinue(messages, PAGE_SIZE);
  if (messages.isPending) return <Loading label="Reading rows…" />;
  if (messages.isError) {
    return <ErrorNotice title="Rows could not be listed." error={messages.error} onRetry={() => void messages.refetch()} />;
  }

  const items = messages.data.pages.flatMap((page) => page.items);
  const examined = messages.data.pages.reduce((sum, page) => sum + page.examined, 0);
  return (
    <div className="stack">
      {items.length === 0 ? (
        <EmptyNotice>
          {messages.hasNextPage ? 'No matching row among those read so far.' : 'No row matches these filters.'}
        </EmptyNotice>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="records-table">
            <caption className="sr-only">Postgres processed_messages rows</caption>
            <thead>
              <tr>
                <th scope="col">Message id</th>
                <th scope="col">State</th>
                <th scope="col">Consumer</th>
                <th scope="col" className="num">
                  Age
                </th>
                <th scope="col" className="num">
                  Deliveries
                </th>
                <th scope="col">Lease expires</th>
                <th scope="col">Owner</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.messageId}>
                  <td className="key">
                    <Link href={recordHref('postgres', item.messageId)}>{item.messageId}</Link>
                  </td>
                  <td data-testid="row-state">
                    <StateBadge state={item.state} />
                  </td>
                  <td>{item.consumer}</td>
                  <td className="num">{formatDuration(item.ageSeconds)}</td>
                  <td className="num">{formatCount(item.deliveryCount)}</td>
                  <td>
                    <Timestamp iso={item.leaseExpiresAt} />
                  </td>
                  <td className="mono">{item.owner ?? '—'}</td>
                  <td>
                    <RowActions store="postgres" id={item.messageId} state={item.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore
        hasNextPage={messages.hasNextPage}
        isFetchingNextPage={messages.isFetchingNextPage}
        onLoadMore={loadMore}
        shown={items.length}
        examined={examined}
        unit="rows"
      />
    </div>
  );
}

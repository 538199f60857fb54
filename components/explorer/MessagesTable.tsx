'use client';

import Link from 'next/link';
import { formatCount, formatDuration } from '@/lib/charts/format';
import type { MessageListFilters } from '@/components/queries/query-keys';
import { useMessages } from '@/components/queries/messages';
import { useOverview } from '@/components/queries/overview';
import { KeyText } from '@/components/ui/KeyText';
import { StateBadge } from '@/components/ui/StateBadge';
import { Timestamp } from '@/components/ui/Timestamp';
import { RowActions } from './ActionsSlot';
import { PagedRecords } from './PagedRecords';
import { recordHref } from './links';

export function MessagesTable({ filters }: { filters: MessageListFilters }) {
  const messages = useMessages(filters);
  const overview = useOverview();
  const searchedOf = filters.search
    ? // The listing reads the first watched table; its own count (exact or estimate) is the whole of what a search may cover.
      { total: overview.data?.postgres.tables[0]?.rows ?? null, estimated: Boolean(overview.data?.postgres.tables[0]?.estimated), unit: 'rows' }
    : null;
  return (
    <PagedRecords
      query={messages}
      searchedOf={searchedOf}
      unit="rows"
      loading="Reading rows…"
      failed="Rows could not be listed."
      noneYet="No matching row among those read so far."
      none="No row matches these filters."
    >
      {(items) => (
        <div className="table-wrap">
          <table className="data stackable" data-testid="records-table">
            <caption>
              Rows of <code data-testid="records-table-name">{items[0]?.table ?? 'the watched table'}</code>
            </caption>
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
                  <td className="key" data-label="Message id">
                    <KeyText
                      text={item.messageId}
                      label="message id"
                      wrap={(inner) => <Link href={recordHref('postgres', item.messageId)}>{inner}</Link>}
                    />
                  </td>
                  <td data-testid="row-state" data-label="State">
                    <StateBadge state={item.state} />
                  </td>
                  <td data-label="Consumer">{item.consumer}</td>
                  <td className="num" data-label="Age">{formatDuration(item.ageSeconds)}</td>
                  <td className="num" data-label="Deliveries">{formatCount(item.deliveryCount)}</td>
                  <td data-label="Lease expires">
                    <Timestamp iso={item.leaseExpiresAt} />
                  </td>
                  <td className="mono" data-label="Owner">{item.owner ?? '—'}</td>
                  <td>
                    <RowActions store="postgres" id={item.messageId} state={item.state} />
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

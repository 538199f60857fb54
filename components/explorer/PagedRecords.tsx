'use client';

import type { ReactNode } from 'react';
import { formatCount } from '@/lib/charts/format';
import { PAGE_SIZE } from '@/components/queries/keys';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import type { KeysSource } from '@/lib/contract/read';
import { Timestamp } from '@/components/ui/Timestamp';
import { LoadMore } from './LoadMore';
import { useAutoContinue } from './use-auto-continue';

interface ListPage<T> {
  items: T[];
  examined: number;
  scanned?: number;
  /** Redis key pages: where the keys came from, and when they were read. */
  source?: KeysSource;
  readAt?: string;
}

interface PagedListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  data: { pages: ListPage<T>[] } | undefined;
  hasNextPage: boolean;
  isFetching: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
  refetch: () => Promise<unknown>;
}

interface PagedRecordsProps<T> {
  query: PagedListQuery<T>;
  /** What is listed, plural: "keys", "rows". */
  unit: string;
  loading: string;
  failed: string;
  /** Said when nothing matched so far but more of the store remains to be read. */
  noneYet: string;
  none: string;
  /** While searching: how many records the store holds, to say how much of it the search has covered. */
  searchedOf?: { total: number | null; estimated: boolean; unit: string } | null;
  children: (items: T[]) => ReactNode;
}

/**
 * The states every bounded, cursor-paged listing goes through (loading,
 * error, empty so far, empty for good, "Load more"); the caller only draws
 * its table.
 */
export function PagedRecords<T>({ query, unit, loading, failed, noneYet, none, searchedOf, children }: PagedRecordsProps<T>) {
  const loadMore = useAutoContinue(query, PAGE_SIZE);
  if (query.isError) return <ErrorNotice title={failed} error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending || !query.data) return <Loading label={loading} />;

  const items = query.data.pages.flatMap((page) => page.items);
  const examined = query.data.pages.reduce((sum, page) => sum + page.examined, 0);
  // Redis searches report the SCAN work (MATCH returns only matches); Postgres pages the rows they read.
  const scanned = query.data.pages.some((page) => page.scanned !== undefined)
    ? query.data.pages.reduce((sum, page) => sum + (page.scanned ?? 0), 0)
    : null;
  return (
    <div className="stack">
      {items.length === 0 ? <EmptyNotice>{query.hasNextPage ? noneYet : none}</EmptyNotice> : children(items)}
      <LoadMore
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        onLoadMore={loadMore}
        shown={items.length}
        examined={examined}
        unit={unit}
        searched={searchedOf ? { covered: scanned ?? examined, approximate: scanned !== null, ...searchedOf } : null}
      />
      <ListSource pages={query.data.pages} />
    </div>
  );
}

/**
 * Where a Redis key listing's pages came from (the library's in-flight index,
 * or a SCAN and about how much of the database it walked) and when the first
 * and the latest page were read. Nothing for listings without a source.
 */
function ListSource<T>({ pages }: { pages: ListPage<T>[] }) {
  const read = pages.filter((page) => page.source !== undefined);
  if (read.length === 0) return null;
  const fromIndex = read.some((page) => page.source === 'in-flight-index');
  const scans = read.filter((page) => page.source === 'scan');
  const walked = scans.reduce((sum, page) => sum + (page.scanned ?? page.examined), 0);
  const first = read[0]!.readAt;
  const last = read.at(-1)!.readAt;
  return (
    <p className="muted small" data-testid="list-source">
      {fromIndex ? "From the library's in-flight index (no scan)" : null}
      {fromIndex && scans.length ? ' for =idemscope patterns; other patterns scanned' : null}
      {scans.length ? `${fromIndex ? '' : 'Scanned'} ~${formatCount(walked)} keys` : null}
      {' · read '}
      <Timestamp iso={first} />
      {last !== first ? (
        <>
          {' to '}
          <Timestamp iso={last} />
        </>
      ) : null}
    </p>
  );
}

'use client';

import type { ReactNode } from 'react';
import { PAGE_SIZE } from '@/components/queries/keys';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { LoadMore } from './LoadMore';
import { useAutoContinue } from './use-auto-continue';

interface PagedListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  data: { pages: { items: T[]; examined: number; scanned?: number }[] } | undefined;
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
    </div>
  );
}

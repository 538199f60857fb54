'use client';

import { useCallback, useEffect, useRef } from 'react';

interface PagedQuery {
  data: { pages: { items: unknown[] }[] } | undefined;
  hasNextPage: boolean;
  isFetching: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** Requests one user action may trigger on its own; each is itself bounded by the server. */
export const AUTO_PAGES = 5;

/**
 * On a large, sparse keyspace a bounded SCAN step often finds nothing, so a
 * listing would open on an empty page. This keeps asking for the next page
 * while fewer than `wanted` items arrived since the user last acted, but at
 * most AUTO_PAGES times, so the load on the store stays bounded per action.
 * Returns the handler for an explicit "Load more".
 */
export function useAutoContinue(query: PagedQuery, wanted: number): () => void {
  const baseline = useRef<{ pages: number; items: number } | null>(null);
  const { data, hasNextPage, isFetching, fetchNextPage } = query;

  useEffect(() => {
    if (!data || !hasNextPage || isFetching) return;
    const pages = data.pages.length;
    const items = data.pages.reduce((sum, page) => sum + page.items.length, 0);
    baseline.current ??= { pages: pages - 1, items: 0 };
    if (items - baseline.current.items >= wanted) return;
    if (pages - baseline.current.pages >= AUTO_PAGES) return;
    void fetchNextPage();
  }, [data, hasNextPage, isFetching, fetchNextPage, wanted]);

  return useCallback(() => {
    if (data) {
      baseline.current = {
        pages: data.pages.length,
        items: data.pages.reduce((sum, page) => sum + page.items.length, 0),
      };
    }
    void fetchNextPage();
  }, [data, fetchNextPage]);
}

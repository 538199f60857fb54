import { formatCount } from '@/lib/charts/format';

interface LoadMoreProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  onLoadMore: () => void;
  shown: number;
  examined: number;
  unit: string;
  /** A search's coverage: "searched ~N keys of ~M". */
  searched?: { covered: number; approximate: boolean; total: number | null; estimated: boolean; unit: string } | null;
}

/**
 * The server bounds each page's work, so a page can come back short while
 * more remain; the note says how much was looked at so a short page is not
 * mistaken for the end.
 */
export function LoadMore({ hasNextPage, isFetchingNextPage, onLoadMore, shown, examined, unit, searched }: LoadMoreProps) {
  // At the end of the list the search has walked all of it; before, about as much as its SCAN steps (or pages) covered.
  const coverage = searched
    ? ` · searched ${hasNextPage && searched.approximate ? '~' : ''}${formatCount(
        !hasNextPage && searched.total !== null ? searched.total : searched.total === null ? searched.covered : Math.min(searched.covered, searched.total),
      )}` +
      (searched.total === null ? '' : ` of ${searched.estimated ? '~' : ''}${formatCount(searched.total)}`) +
      ` ${searched.unit}`
    : '';
  return (
    <div className="toolbar">
      <p className="muted small" role="status" data-testid="list-coverage">
        {shown} shown · {examined} {unit} examined{coverage}
        {hasNextPage ? ' · more remain' : ' · end of list'}
      </p>
      {hasNextPage ? (
        <button type="button" className="button" onClick={onLoadMore} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </div>
  );
}

interface LoadMoreProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  onLoadMore: () => void;
  shown: number;
  examined: number;
  unit: string;
}

/**
 * The server bounds each page's work, so a page can come back short while
 * more remain; the note says how much was looked at so a short page is not
 * mistaken for the end.
 */
export function LoadMore({ hasNextPage, isFetchingNextPage, onLoadMore, shown, examined, unit }: LoadMoreProps) {
  return (
    <div className="toolbar">
      <p className="muted small" role="status">
        {shown} shown · {examined} {unit} examined{hasNextPage ? ' · more remain' : ' · end of list'}
      </p>
      {hasNextPage ? (
        <button type="button" className="button" onClick={onLoadMore} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </div>
  );
}

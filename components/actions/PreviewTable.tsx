import { formatDuration } from '@/lib/charts/format';
import type { PreviewItem } from '@/lib/contract/actions';
import { StateBadge } from '@/components/ui/StateBadge';

/** The records an action would touch, exactly as seen at preview; long lists show a sample. */
export function PreviewTable({ items, sample = 20, caption }: { items: PreviewItem[]; sample?: number; caption: string }) {
  const shown = items.slice(0, sample);
  return (
    <div className="table-wrap">
      <table className="data" data-testid="preview-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">State seen</th>
            <th scope="col">Format</th>
            <th scope="col" className="num">
              Age
            </th>
            <th scope="col">Consumer</th>
            <th scope="col">Owner</th>
            <th scope="col">Value digest</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((item) => (
            <tr key={item.key}>
              <td className="key mono">{item.key}</td>
              <td>
                <StateBadge state={item.state.state} />
              </td>
              <td>{item.state.format}</td>
              <td className="num">{formatDuration(item.state.ageSeconds)}</td>
              <td>{item.state.consumer ?? '—'}</td>
              <td className="mono">{item.state.owner ?? '—'}</td>
              <td className="mono" title={item.seen}>
                {item.seen.slice(0, 12)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length > shown.length ? (
        <p className="muted small">
          Showing {shown.length} of {items.length}; all {items.length} are confirmed as previewed.
        </p>
      ) : null}
    </div>
  );
}

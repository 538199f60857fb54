import type { ReactNode } from 'react';

export interface ChartColumn {
  label: string;
  numeric?: boolean;
}

/**
 * A chart's numbers as a table, folded under the chart: the text alternative
 * for screen readers and the way to read exact values on any screen.
 */
export function ChartDataTable({
  summary,
  caption,
  columns,
  rows,
  testId,
}: {
  summary: string;
  caption: string;
  columns: ChartColumn[];
  rows: { key: string | number; cells: ReactNode[] }[];
  testId?: string;
}) {
  return (
    <details className="chart-data" data-testid={testId}>
      <summary>{summary}</summary>
      {rows.length === 0 ? (
        <p className="muted small">No data points in this range.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
          <table className="data">
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  {row.cells.map((cell, i) =>
                    i === 0 ? (
                      <th key={i} scope="row">
                        {cell}
                      </th>
                    ) : (
                      <td key={i} className={columns[i]?.numeric ? 'num' : undefined}>
                        {cell}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

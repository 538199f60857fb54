import type { OverviewResponse } from '@/lib/contract/read';
import { formatCount } from '@/lib/charts/format';
import { Estimate } from '@/components/ui/Estimate';

/** Each watched Postgres table with its profile and counts, and the configured tables that fit no profile. */
export function WatchedTablesPanel({ overview }: { overview: OverviewResponse }) {
  const { tables, unfit } = overview.postgres;
  if (tables.length <= 1 && unfit.length === 0) return null;
  return (
    <div className="stack" data-testid="watched-tables">
      {tables.length > 1 ? (
        <div className="table-wrap">
          <table className="data">
            <caption>Postgres tables watched (IDEMSCOPE_TABLES); the counts above are their totals.</caption>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Profile</th>
                <th scope="col" className="num">Rows</th>
                <th scope="col" className="num">Stuck</th>
                <th scope="col" className="num">Expired</th>
              </tr>
            </thead>
            <tbody>
              {tables.map((t) => (
                <tr key={t.table}>
                  <th scope="row" className="mono">{t.table}</th>
                  <td>{t.profile}</td>
                  <td className="num">
                    {formatCount(t.rows)} {t.estimated ? <Estimate /> : null}
                  </td>
                  <td className="num">{formatCount(t.stuck)}</td>
                  <td className="num">{formatCount(t.expired)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {unfit.map((u) => (
        <p key={u.name} role="status" className="notice" data-testid="unfit-table">
          <code>{u.name}</code> is not watched: {u.problem}.
        </p>
      ))}
    </div>
  );
}

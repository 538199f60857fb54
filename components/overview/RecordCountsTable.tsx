import Link from 'next/link';
import type { OverviewResponse, PostgresCountField } from '@/lib/contract/read';
import type { RecordState, StoreName } from '@/lib/contract/vocabulary';
import { formatCount } from '@/lib/charts/format';
import { explorerHref } from '@/components/explorer/links';
import { Estimate } from '@/components/ui/Estimate';
import { notLive } from '@/components/ui/FreshnessNote';

interface Row {
  label: string;
  redis: number | null | 'n/a';
  postgres: number | null | 'n/a';
  pgField?: PostgresCountField;
  state?: RecordState;
}

function rows(o: OverviewResponse): Row[] {
  const { redis: r, postgres: p } = o;
  return [
    { label: 'Records', redis: r.keys, postgres: p.rows, pgField: 'rows' },
    { label: 'Processing', redis: r.processing, postgres: p.processing, pgField: 'processing', state: 'processing' },
    { label: 'Stuck', redis: r.stuck, postgres: p.stuck, pgField: 'stuck', state: 'stuck' },
    { label: 'Completed', redis: r.completed, postgres: p.completed, pgField: 'completed', state: 'completed' },
    { label: 'Failed', redis: r.failed, postgres: p.failed, pgField: 'failed', state: 'failed' },
    { label: 'Expired', redis: r.expired, postgres: p.expired, pgField: 'expired', state: 'expired' },
    { label: 'Unrecognized', redis: r.unrecognized, postgres: 'n/a', state: 'unrecognized' },
    { label: 'No expiry', redis: r.noExpiry, postgres: 'n/a' },
  ];
}

function Cell({
  value,
  store,
  state,
  estimated,
  stale,
}: {
  value: Row['redis'];
  store: StoreName;
  state?: RecordState;
  estimated?: boolean;
  stale?: boolean;
}) {
  if (value === 'n/a') return <td className="num muted">n/a</td>;
  const text = formatCount(value);
  return (
    <td className={`num${stale ? ' muted' : ''}`} data-testid={`count-${store}-${state ?? 'other'}`} data-stale={stale ? 'true' : undefined}>
      {state && value ? <Link href={explorerHref({ store, state })}>{text}</Link> : text}{' '}
      {estimated ? <Estimate /> : null}
    </td>
  );
}

/** Every state count side by side per store; each count links to the matching Explorer list. */
export function RecordCountsTable({ overview }: { overview: OverviewResponse }) {
  return (
    <div className="table-wrap">
      <table className="data">
        <caption>Records by state. Redis counts come from the latest keyspace snapshot; greyed counts are from before their store stopped answering.</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Redis
            </th>
            <th scope="col" className="num">
              Postgres
            </th>
          </tr>
        </thead>
        <tbody>
          {rows(overview).map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <Cell value={row.redis} store="redis" state={row.state} stale={notLive(overview.redis.freshness)} />
              <Cell
                value={row.postgres}
                store="postgres"
                state={row.state}
                estimated={row.pgField ? overview.postgres.estimated[row.pgField] : false}
                stale={notLive(overview.postgres.freshness)}
              />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

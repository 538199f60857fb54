import Link from 'next/link';
import type { OverviewResponse } from '@/lib/contract/read';
import { formatCount } from '@/lib/charts/format';
import { explorerHref } from '@/components/explorer/links';
import { EmptyNotice } from '@/components/ui/Notice';

/**
 * Each configured key pattern with the format its keys are read as and its
 * counts; stuck and unrecognized counts open the Explorer on that pattern.
 * An `auto` pattern with unrecognized values says which format to declare.
 */
export function PatternsTable({ overview }: { overview: OverviewResponse }) {
  const patterns = overview.redis.byPattern;
  if (!patterns) return <EmptyNotice>Pattern counts appear with the first keyspace snapshot.</EmptyNotice>;
  const count = (pattern: string, state: 'stuck' | 'unrecognized', n: number) =>
    n > 0 ? <Link href={explorerHref({ store: 'redis', pattern, state })}>{formatCount(n)}</Link> : formatCount(n);
  return (
    <div className="table-wrap">
      <table className="data" data-testid="patterns">
        <caption>IDEMSCOPE_KEY_PATTERNS, each read as its format.</caption>
        <thead>
          <tr>
            <th scope="col">Pattern</th>
            <th scope="col">Format</th>
            <th scope="col" className="num">
              Keys
            </th>
            <th scope="col" className="num">
              Processing
            </th>
            <th scope="col" className="num">
              Stuck
            </th>
            <th scope="col" className="num">
              Unrecognized
            </th>
          </tr>
        </thead>
        <tbody>
          {patterns.map((p) => (
            <tr key={p.pattern} data-testid="pattern-row">
              <td className="key">
                {p.pattern}
                {p.suggestion ? (
                  <p className="small" data-testid="pattern-suggestion">
                    {p.suggestion}
                  </p>
                ) : null}
              </td>
              <td>{p.declared ? p.format : 'auto (signatures only)'}</td>
              <td className="num">{formatCount(p.keys)}</td>
              <td className="num">{formatCount(p.byState.processing)}</td>
              <td className="num" data-testid="pattern-stuck">
                {count(p.pattern, 'stuck', p.byState.stuck)}
              </td>
              <td className="num">{count(p.pattern, 'unrecognized', p.byState.unrecognized)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

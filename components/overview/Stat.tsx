import Link from 'next/link';
import type { ReactNode } from 'react';

interface StatProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  /** Draws the value in red: something needs attention. */
  alert?: boolean;
  /** Greys the figure: its store does not answer and it is as of an earlier time. */
  stale?: boolean;
  testId?: string;
  /** Where the records behind the figure are listed; the value becomes a link there. */
  href?: string;
  /** The link's hover text. */
  hrefTitle?: string;
  /** What the figure means, on hover of its label (the same words appear where the figure is used). */
  definition?: string;
}

/** One headline figure; rendered inside a `<dl className="stats">`. */
export function Stat({ label, value, hint, alert, stale, testId, href, hrefTitle = 'Show these records in the Explorer', definition }: StatProps) {
  const shown = <span data-testid={testId}>{value}</span>;
  return (
    <div className={`stat${alert && !stale ? ' alert' : ''}${stale ? ' stale' : ''}`} data-stale={stale ? 'true' : undefined}>
      <dt>{definition ? <span className="definition" title={definition}>{label}</span> : label}</dt>
      <dd>
        {href ? (
          <Link href={href} title={hrefTitle}>
            {shown}
          </Link>
        ) : (
          shown
        )}
        {hint ? <span className="hint">{hint}</span> : null}
      </dd>
    </div>
  );
}

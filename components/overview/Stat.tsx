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
}

/** One headline figure; rendered inside a `<dl className="stats">`. */
export function Stat({ label, value, hint, alert, stale, testId }: StatProps) {
  return (
    <div className={`stat${alert && !stale ? ' alert' : ''}${stale ? ' stale' : ''}`} data-stale={stale ? 'true' : undefined}>
      <dt>{label}</dt>
      <dd>
        <span data-testid={testId}>{value}</span>
        {hint ? <span className="hint">{hint}</span> : null}
      </dd>
    </div>
  );
}

interface ValueViewProps {
  value: unknown;
  encoding: 'json' | 'text' | 'none';
  truncated?: boolean;
  maskedPaths: string[];
  label: string;
}

/** The stored value as the server sent it: already masked there, so no secret ever reaches the page. */
export function ValueView({ value, encoding, truncated, maskedPaths, label }: ValueViewProps) {
  if (encoding === 'none' || value === undefined) return <p className="muted">No value stored.</p>;
  const text = encoding === 'json' ? JSON.stringify(value, null, 2) : String(value);
  return (
    <div className="stack">
      <pre className="value" aria-label={label} tabIndex={0} data-testid="record-value">
        {text}
      </pre>
      {truncated ? <p className="muted small">Truncated: only the start of a large value is shown.</p> : null}
      {maskedPaths.length > 0 ? (
        <p className="muted small">
          Masked fields: <code>{maskedPaths.join(', ')}</code>
        </p>
      ) : null}
    </div>
  );
}

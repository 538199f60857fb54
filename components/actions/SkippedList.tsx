import type { Skipped } from '@/lib/contract/actions';

const WHY: Record<string, string> = {
  'not-in-flight': 'not in flight (completed, or not a claim)',
  changed: 'changed since the preview (taken over or rewritten)',
  missing: 'no such record',
  'has-ttl': 'has a TTL now; left to Redis',
};

/** Targets an action left alone, each with its reason. */
export function SkippedList({ skipped, limit = 20 }: { skipped: Skipped<string>[]; limit?: number }) {
  if (!skipped.length) return null;
  return (
    <div>
      <h3>Skipped ({skipped.length})</h3>
      <ul data-testid="skipped-list">
        {skipped.slice(0, limit).map((s) => (
          <li key={s.key}>
            <code>{s.key}</code>: {WHY[s.reason] ?? s.reason}
          </li>
        ))}
      </ul>
      {skipped.length > limit ? <p className="muted small">and {skipped.length - limit} more.</p> : null}
    </div>
  );
}

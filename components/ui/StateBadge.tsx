import type { RecordState } from '@/lib/dashboard/api-types';

export function StateBadge({ state }: { state: RecordState }) {
  return <span className={`badge state-${state}`}>{state}</span>;
}

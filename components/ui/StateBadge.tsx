import type { RecordState } from '@/lib/contract/vocabulary';

export function StateBadge({ state }: { state: RecordState }) {
  return <span className={`badge state-${state}`}>{state}</span>;
}

import type { ReactNode } from 'react';
import type { Skipped } from '@/lib/contract/actions';
import { SkippedList } from './SkippedList';

/** What an executed action did ("Released 3"), and what it left alone and why. */
export function ActionOutcome({ done, skipped, testId }: { done: ReactNode; skipped: Skipped<string>[]; testId: string }) {
  return (
    <div role="status" data-testid={testId}>
      <p>
        <strong>{done}</strong>
        {skipped.length ? `, skipped ${skipped.length}` : ''}.
      </p>
      <SkippedList skipped={skipped} />
    </div>
  );
}

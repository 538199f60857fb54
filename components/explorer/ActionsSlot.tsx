import type { RecordState, StoreName } from '@/lib/contract/vocabulary';
import { BulkReleasePanel, PurgePanel, ReleaseButton } from '@/components/actions';

/**
 * Where operator actions render. The action components show themselves
 * disabled, with the reason, to viewers and on a read-only dashboard, so these
 * slots only decide which records an action makes sense for: releasing is for
 * in-flight claims.
 */
const releasable = (state: RecordState) => state === 'processing' || state === 'stuck';

/** `allowed`, where the server says it (Redis keys, by their format), wins over the state alone. */
export function RowActions({ store, id, state, allowed }: { store: StoreName; id: string; state: RecordState; allowed?: boolean }) {
  return (allowed ?? releasable(state)) ? <ReleaseButton store={store} keys={[id]} compact /> : null;
}

export function RecordActions({ store, id, state, allowed }: { store: StoreName; id: string; state: RecordState; allowed?: boolean }) {
  if (!(allowed ?? releasable(state))) return null;
  return (
    <div className="actions-slot">
      <ReleaseButton store={store} keys={[id]} />
    </div>
  );
}

/** Bulk actions under the list: release every stuck record older than a threshold, and purge expired ones. */
export function ListActions({ store }: { store: StoreName }) {
  return (
    <>
      <BulkReleasePanel key={store} initialStore={store} />
      <PurgePanel />
    </>
  );
}

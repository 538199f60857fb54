import type { RecordState, StoreName } from '@/lib/contract/vocabulary';
import { BulkReleasePanel, PurgePanel, ReleaseButton } from '@/components/actions';

/**
 * Where operator actions render. The action components show themselves
 * disabled, with the reason, to viewers and on a read-only dashboard, so these
 * slots only decide which records an action makes sense for: releasing is for
 * in-flight claims.
 */
const releasable = (state: RecordState) => state === 'processing' || state === 'stuck';

export function RowActions({ store, id, state }: { store: StoreName; id: string; state: RecordState }) {
  return releasable(state) ? <ReleaseButton store={store} keys={[id]} compact /> : null;
}

export function RecordActions({ store, id, state }: { store: StoreName; id: string; state: RecordState }) {
  if (!releasable(state)) return null;
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

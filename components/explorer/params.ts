import { RECORD_STATES, type RecordState, STORES, type StoreName } from '@/lib/contract/vocabulary';
import type { ExplorerParams } from './links';

/** States each store can hold: Redis formats have no `failed`, Postgres rows are never `unrecognized`. */
export const STATES_BY_STORE: Record<StoreName, readonly RecordState[]> = {
  redis: RECORD_STATES.filter((s) => s !== 'failed'),
  postgres: RECORD_STATES.filter((s) => s !== 'unrecognized'),
};

const isStore = (v: string | null): v is StoreName => STORES.includes(v as StoreName);
const isState = (v: string | null): v is RecordState => RECORD_STATES.includes(v as RecordState);

/** Reads the Explorer's URL; unknown values are dropped rather than sent to the API. */
export function parseExplorerParams(search: URLSearchParams): Required<Pick<ExplorerParams, 'store'>> & ExplorerParams {
  const store = search.get('store');
  const state = search.get('state');
  return {
    store: isStore(store) ? store : 'redis',
    state: isState(state) ? state : undefined,
    q: search.get('q')?.trim() || undefined,
    pattern: search.get('pattern')?.trim() || undefined,
    consumer: search.get('consumer')?.trim() || undefined,
  };
}

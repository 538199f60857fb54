import { instantFromUrl } from '@/lib/charts/drilldown';
import { RECORD_STATES, type RecordState, STORES, type StoreName, TIME_AXES, type TimeAxis } from '@/lib/contract/vocabulary';
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
    ...windowFrom(search),
    ...searchFrom(search),
    ...(search.get('sort') === 'newest' || search.get('sort') === 'oldest' ? { sort: search.get('sort') as 'newest' | 'oldest' } : {}),
  };
}

/** A time window from the URL: each end only when it is an ISO instant; the axis only with an end. */
function windowFrom(search: URLSearchParams): Pick<ExplorerParams, 'from' | 'to' | 'time'> {
  const iso = (name: string) => {
    const ms = instantFromUrl(search.get(name));
    return ms === null ? undefined : new Date(ms).toISOString();
  };
  const from = iso('from');
  const to = iso('to');
  const time = search.get('time');
  if (!from && !to) return {};
  return { from, to, time: TIME_AXES.includes(time as TimeAxis) ? (time as TimeAxis) : 'recorded' };
}

/** The key search from the URL; the mode only with a text. */
function searchFrom(search: URLSearchParams): Pick<ExplorerParams, 'search' | 'match'> {
  const text = search.get('search')?.trim();
  if (!text) return {};
  return { search: text, match: search.get('match') === 'prefix' ? 'prefix' : 'substring' };
}

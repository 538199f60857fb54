import type { RecordState, StoreName, TimeAxis } from '@/lib/contract/vocabulary';

/** The record's own page; the id is one path segment however many `/` or `:` it holds. */
export function recordHref(store: StoreName, id: string): string {
  return `/explorer/${store}/${encodeURIComponent(id)}`;
}

export interface ExplorerParams {
  store?: StoreName;
  state?: RecordState;
  q?: string;
  pattern?: string;
  consumer?: string;
  /** A time window (ISO instants) on the records' `time`: when recorded (default) or when they expire. */
  from?: string;
  to?: string;
  time?: TimeAxis;
  /** Key search: records whose key starts with (`match=prefix`) or holds (`substring`, the default) the text. */
  search?: string;
  match?: 'prefix' | 'substring';
  /** Postgres only: newest or oldest first along the listing's index; the state's own order when absent. */
  sort?: 'newest' | 'oldest';
}

export function explorerHref(params: ExplorerParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const query = search.toString();
  return query ? `/explorer?${query}` : '/explorer';
}

import type { RecordState, StoreName } from '@/lib/contract/vocabulary';

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
}

export function explorerHref(params: ExplorerParams): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const query = search.toString();
  return query ? `/explorer?${query}` : '/explorer';
}

'use client';

import type { FormEvent } from 'react';
import type { RecordState, StoreName } from '@/lib/contract/vocabulary';
import { useOverview } from '@/components/queries/overview';
import type { ExplorerParams } from './links';
import { STATES_BY_STORE } from './params';

interface BrowseFiltersProps {
  params: ExplorerParams & { store: StoreName };
  onChange: (next: Partial<ExplorerParams>) => void;
}

/** The server lists only the configured patterns; the overview's snapshot already names them. */
function PatternSelect({ value, onChange }: { value: string | undefined; onChange: (pattern: string | undefined) => void }) {
  const overview = useOverview();
  const patterns = overview.data?.redis.byPattern?.map((p) => p.pattern) ?? [];
  const options = value && !patterns.includes(value) ? [...patterns, value] : patterns;
  return (
    <div className="field">
      <label htmlFor="filter-pattern">Key pattern</label>
      <select id="filter-pattern" value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">All configured patterns</option>
        {options.map((pattern) => (
          <option key={pattern} value={pattern}>
            {pattern}
          </option>
        ))}
      </select>
    </div>
  );
}

function ConsumerFilter({ value, onChange }: { value: string | undefined; onChange: (consumer: string | undefined) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onChange(String(new FormData(event.currentTarget).get('consumer') ?? '').trim() || undefined);
  };
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Filter by consumer">
      <div className="field">
        <label htmlFor="filter-consumer">Consumer</label>
        <input
          id="filter-consumer"
          type="text"
          name="consumer"
          key={value ?? ''}
          defaultValue={value ?? ''}
          placeholder="exact name, e.g. billing"
          spellCheck={false}
        />
      </div>
      <button type="submit" className="button">
        Apply
      </button>
    </form>
  );
}

/** Prefix or substring of the key (a Redis key, a row's message_id or id); the server bounds the search and says how far it got. */
function KeySearchFilter({ params, onChange }: BrowseFiltersProps) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const search = String(data.get('search') ?? '').trim() || undefined;
    onChange({ search, match: search && data.get('match') === 'prefix' ? 'prefix' : undefined });
  };
  return (
    <form className="toolbar" onSubmit={submit} role="search" aria-label="Search keys">
      <div className="field">
        <label htmlFor="filter-match">Key</label>
        <select id="filter-match" name="match" defaultValue={params.match ?? 'substring'} key={`m:${params.match ?? ''}`}>
          <option value="substring">contains</option>
          <option value="prefix">starts with</option>
        </select>
      </div>
      <div className="field grow">
        <label htmlFor="filter-search">Text</label>
        <input
          id="filter-search"
          type="search"
          name="search"
          key={params.search ?? ''}
          defaultValue={params.search ?? ''}
          placeholder={params.store === 'redis' ? 'part of a key, e.g. a message id' : 'part of a message id'}
          spellCheck={false}
        />
      </div>
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}

export function BrowseFilters({ params, onChange }: BrowseFiltersProps) {
  return (
    <div className="stack">
      <KeySearchFilter params={params} onChange={onChange} />
      <div className="toolbar" role="group" aria-label="Filter records">
        <div className="field">
          <label htmlFor="filter-store">Store</label>
          <select
            id="filter-store"
            value={params.store}
            // The consumer and the time window mean the same in both stores, so they stay; state and pattern are per store.
            onChange={(e) => onChange({ store: e.target.value as StoreName, state: undefined, pattern: undefined, sort: undefined })}
          >
            <option value="redis">Redis keys</option>
            <option value="postgres">Postgres rows</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-state">State</label>
          <select
            id="filter-state"
            value={params.state ?? ''}
            onChange={(e) => onChange({ state: (e.target.value || undefined) as RecordState | undefined })}
          >
            <option value="">Any state</option>
            {STATES_BY_STORE[params.store].map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </div>
        {params.store === 'redis' ? <PatternSelect value={params.pattern} onChange={(pattern) => onChange({ pattern })} /> : null}
        <ConsumerFilter value={params.consumer} onChange={(consumer) => onChange({ consumer })} />
      </div>
    </div>
  );
}

'use client';

import type { FormEvent } from 'react';
import type { RecordState, StoreName } from '@/lib/dashboard/api-types';
import type { ExplorerParams } from './links';
import { STATES_BY_STORE } from './params';

interface BrowseFiltersProps {
  params: ExplorerParams & { store: StoreName };
  onChange: (next: Partial<ExplorerParams>) => void;
}

export function BrowseFilters({ params, onChange }: BrowseFiltersProps) {
  const textName = params.store === 'redis' ? 'pattern' : 'consumer';
  const current = (params.store === 'redis' ? params.pattern : params.consumer) ?? '';

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('text') ?? '').trim();
    onChange({ [textName]: text || undefined });
  };

  return (
    <form className="toolbar" onSubmit={submit} aria-label="Filter records">
      <div className="field">
        <label htmlFor="filter-store">Store</label>
        <select
          id="filter-store"
          value={params.store}
          onChange={(e) => onChange({ store: e.target.value as StoreName, state: undefined, pattern: undefined, consumer: undefined })}
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
      <div className="field">
        <label htmlFor="filter-text">{params.store === 'redis' ? 'Key pattern (glob)' : 'Consumer'}</label>
        <input
          id="filter-text"
          type="text"
          name="text"
          key={`${params.store}:${current}`}
          defaultValue={current}
          placeholder={params.store === 'redis' ? 'idempotency:orders:*' : 'orders-service'}
          spellCheck={false}
        />
      </div>
      <button type="submit" className="button">
        Apply
      </button>
    </form>
  );
}

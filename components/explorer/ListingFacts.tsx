'use client';

import { useId } from 'react';
import { formatCount, formatDuration } from '@/lib/charts/format';
import type { StoreName } from '@/lib/contract/vocabulary';
import { useOverview } from '@/components/queries/overview';
import type { ExplorerParams } from './links';

type Params = ExplorerParams & { store: StoreName };

/** Totals are known per store and state (the overview's counts); any other filter makes them unknown, and then none is shown. */
function Total({ params }: { params: Params }) {
  const overview = useOverview();
  if (!overview.data || params.consumer || params.from || params.to || params.search || params.pattern) return null;
  const noun = params.store === 'redis' ? 'keys' : 'rows';
  const what = params.state ? `${params.state} ${noun}` : noun;
  if (params.store === 'redis') {
    const redis = overview.data.redis;
    const value = params.state ? redis[params.state as keyof typeof redis] : redis.keys;
    if (typeof value !== 'number') return null;
    return (
      <p className="muted small" data-testid="listing-total">
        {formatCount(value)} {what} in all (exact, from the keyspace snapshot
        {redis.snapshotAgeSeconds != null ? `, ${formatDuration(redis.snapshotAgeSeconds)} old` : ''}).
      </p>
    );
  }
  const table = overview.data.postgres.tables[0];
  if (!table) return null;
  const field = params.state && params.state !== 'unrecognized' ? params.state : 'rows';
  if (params.state === 'unrecognized') return null;
  return (
    <p className="muted small" data-testid="listing-total">
      {formatCount(table[field])} {what} in <code>{table.table}</code> ({table.estimated ? '≈ estimate' : 'exact'}).
    </p>
  );
}

/** Which orders a store can give cheaply, and why the others are not offered. */
function Order({ params, onChange }: { params: Params; onChange: (next: Partial<ExplorerParams>) => void }) {
  const overview = useOverview();
  const id = useId();
  if (params.store === 'redis') {
    return (
      <p className="muted small" data-testid="sort-note">
        Keys are listed in SCAN order: Redis keeps no order of its keys, and sorting them would mean reading the whole keyspace, so no sort is offered.
      </p>
    );
  }
  const table = overview.data?.postgres.tables[0];
  const byId = table?.profile === 'recipe' && !table.timeIndexed;
  const byKey = table?.profile === 'stripe-keys' || table?.profile === 'custom' || byId;
  return (
    <div className="toolbar">
      <div className="field">
        <label htmlFor={id}>Order</label>
        <select id={id} value={params.sort ?? ''} onChange={(e) => onChange({ sort: (e.target.value || undefined) as Params['sort'] })}>
          <option value="">Default for the state</option>
          <option value="newest">{byId ? 'Message id, descending' : table?.profile === 'custom' ? 'Id, descending' : 'Newest first'}</option>
          <option value="oldest">{byId ? 'Message id, ascending' : table?.profile === 'custom' ? 'Id, ascending' : 'Oldest first'}</option>
        </select>
      </div>
      <p className="muted small" data-testid="sort-note">
        {byKey
          ? table?.profile === 'stripe-keys'
            ? 'Ordered by id, which grows with created_at: the one index such a table is sure to have.'
            : table?.profile === 'custom'
              ? 'Ordered by id, the one index such a table is sure to have: rows in flight may have no processed time yet, so a walk along time would miss them.'
              : 'Ordered by message id: processed_at has no index here, and ordering by time would read the whole table.'
          : 'Ordered by time along its index (processed_at, or claimed_at within a state); by default stuck and expired oldest first, others newest first. Other orders are not offered: no index serves them.'}
      </p>
    </div>
  );
}

export function ListingFacts({ params, onChange }: { params: Params; onChange: (next: Partial<ExplorerParams>) => void }) {
  return (
    <div className="stack" data-testid="listing-facts">
      <Total params={params} />
      <Order params={params} onChange={onChange} />
    </div>
  );
}

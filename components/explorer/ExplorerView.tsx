'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';
import { Panel } from '@/components/ui/Panel';
import { BrowseFilters } from './BrowseFilters';
import { ListActions } from './ActionsSlot';
import { KeysTable } from './KeysTable';
import { LookupForm } from './LookupForm';
import { LookupResults } from './LookupResults';
import { MessagesTable } from './MessagesTable';
import { type ExplorerParams, explorerHref } from './links';
import { parseExplorerParams } from './params';
import { ListingFacts } from './ListingFacts';
import { WindowNote } from './WindowNote';

const windowOf = (p: ExplorerParams) => ({
  ...(p.from || p.to ? { from: p.from, to: p.to, time: p.time } : {}),
  ...(p.search ? { search: p.search, match: p.match } : {}),
});
const listingKey = (p: ExplorerParams) => [p.state, p.pattern, p.consumer, p.from, p.to, p.time, p.search, p.match, p.sort].join('|');

/** Lookup and browsing, driven entirely by the URL so any view can be linked to from an incident channel. */
export function ExplorerView() {
  const router = useRouter();
  const search = useSearchParams();
  const params = parseExplorerParams(search);

  const navigate = useCallback(
    (next: Partial<ExplorerParams>) => router.push(explorerHref({ ...params, ...next }), { scroll: false }),
    [params, router],
  );

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Explorer</h1>
      </div>
      <section className="panel" aria-label="Lookup">
        <LookupForm key={params.q ?? ''} initial={params.q ?? ''} onSearch={(q) => navigate({ q: q || undefined })} />
      </section>
      {params.q ? <LookupResults q={params.q} /> : null}
      <Panel title={params.store === 'redis' ? 'Redis keys' : 'Postgres rows'} id="browse">
        <div className="stack">
          <BrowseFilters params={params} onChange={navigate} />
          <ListingFacts params={params} onChange={navigate} />
          {params.from || params.to ? <WindowNote params={params} onClear={() => navigate({ from: undefined, to: undefined, time: undefined })} /> : null}
          {params.store === 'redis' ? (
            <KeysTable key={listingKey(params)} filters={{ state: params.state, pattern: params.pattern, consumer: params.consumer, ...windowOf(params) }} />
          ) : (
            <MessagesTable key={listingKey(params)} filters={{ state: params.state, consumer: params.consumer, sort: params.sort, ...windowOf(params) }} />
          )}
        </div>
      </Panel>
      <ListActions store={params.store} />
    </div>
  );
}

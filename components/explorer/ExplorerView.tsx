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
          {params.store === 'redis' ? (
            <KeysTable key={`${params.state}:${params.pattern}`} filters={{ state: params.state, pattern: params.pattern }} />
          ) : (
            <MessagesTable key={`${params.state}:${params.consumer}`} filters={{ state: params.state, consumer: params.consumer }} />
          )}
        </div>
      </Panel>
      <ListActions store={params.store} />
    </div>
  );
}

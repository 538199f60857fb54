'use client';

import Link from 'next/link';
import type { StoreName } from '@/lib/contract/vocabulary';
import { ApiError } from '@/components/queries/api-client';
import { useKeyDetail } from '@/components/queries/key-detail';
import { useMessageDetail } from '@/components/queries/message-detail';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { UpdatedAgo } from '@/components/ui/UpdatedAgo';
import { KeyDetailView } from './KeyDetailView';
import { MessageDetailView } from './MessageDetailView';
import { explorerHref } from './links';

type DetailQuery = ReturnType<typeof useKeyDetail> | ReturnType<typeof useMessageDetail>;

function Body({ query, store, id }: { query: DetailQuery; store: StoreName; id: string }) {
  if (query.isPending) return <Loading label="Reading the record…" />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <EmptyNotice>
          {store === 'redis' ? 'No such key' : 'No such message id'}: <code>{id}</code>. It may have expired, been released
          or purged.
        </EmptyNotice>
      );
    }
    return <ErrorNotice title="The record could not be read." error={query.error} onRetry={() => void query.refetch()} />;
  }
  return 'key' in query.data ? <KeyDetailView detail={query.data} /> : <MessageDetailView detail={query.data} />;
}

function RedisRecord({ id }: { id: string }) {
  const query = useKeyDetail(id);
  return <Frame query={query} store="redis" id={id} />;
}

function PostgresRecord({ id }: { id: string }) {
  const query = useMessageDetail(id);
  return <Frame query={query} store="postgres" id={id} />;
}

function Frame({ query, store, id }: { query: DetailQuery; store: StoreName; id: string }) {
  return (
    <div className="stack">
      <nav aria-label="Breadcrumb" className="breadcrumbs small">
        <Link href={explorerHref({ store })}>Explorer</Link> / {store === 'redis' ? 'Redis key' : 'Postgres row'}
      </nav>
      <div className="page-head">
        <h1>{store === 'redis' ? 'Redis key' : 'Postgres message'}</h1>
        <div className="meta">
          <UpdatedAgo updatedAt={query.dataUpdatedAt} fetching={query.isFetching} />
        </div>
      </div>
      <Panel title={id} id="record">
        <Body query={query} store={store} id={id} />
      </Panel>
    </div>
  );
}

export function RecordDetailView({ store, id }: { store: StoreName; id: string }) {
  return store === 'redis' ? <RedisRecord id={id} /> : <PostgresRecord id={id} />;
}

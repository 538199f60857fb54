'use client';

import Link from 'next/link';
import { useLookup } from '@/components/queries/lookup';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { Panel } from '@/components/ui/Panel';
import { KeyDetailView } from './KeyDetailView';
import { MessageDetailView } from './MessageDetailView';
import { recordHref } from './links';

export function LookupResults({ q }: { q: string }) {
  const lookup = useLookup(q);
  const data = lookup.data;
  const found = data ? data.redis.matches.length + (data.postgres.match ? 1 : 0) : 0;
  return (
    <Panel title={`Lookup: ${q}`} id="lookup">
      {lookup.isPending ? <Loading label="Looking in both stores…" /> : null}
      {lookup.isError ? <ErrorNotice title="The lookup failed." error={lookup.error} onRetry={() => void lookup.refetch()} /> : null}
      {data ? (
        <div className="stack" data-testid="lookup-results">
          {!data.redis.reachable ? <ErrorNotice title="Redis was not searched:" error={new Error(data.redis.error ?? 'unreachable')} /> : null}
          {!data.postgres.reachable ? (
            <ErrorNotice title="Postgres was not searched:" error={new Error(data.postgres.error ?? 'unreachable')} />
          ) : null}
          {found === 0 ? (
            <EmptyNotice>
              No Redis key and no message id equals <code>{q}</code>. The lookup is exact: check the full key, including
              its prefix.
            </EmptyNotice>
          ) : null}
          {data.redis.matches.map((match) => (
            <div key={match.key} className="stack">
              <Link href={recordHref('redis', match.key)}>Open the Redis key&apos;s own page</Link>
              <KeyDetailView detail={match} />
            </div>
          ))}
          {data.postgres.match ? (
            <div className="stack">
              <Link href={recordHref('postgres', data.postgres.match.messageId)}>Open the Postgres row&apos;s own page</Link>
              <MessageDetailView detail={data.postgres.match} />
            </div>
          ) : null}
        </div>
      ) : null}
    </Panel>
  );
}

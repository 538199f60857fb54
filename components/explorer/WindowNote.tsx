'use client';

import Link from 'next/link';
import type { StoreName } from '@/lib/contract/vocabulary';
import { Timestamp } from '@/components/ui/Timestamp';
import { type ExplorerParams, explorerHref } from './links';

const RECORDED: Record<StoreName, string> = {
  redis: 'claimed (from the key’s age; keys of unknown age are left out)',
  postgres: 'recorded (processed_at; created_at in a stripe-keys table)',
};

/**
 * Says which time window the listing is narrowed to and on which of the
 * records' times, with the same window in the other store one click away
 * (a chart point counts deliveries of both stores).
 */
export function WindowNote({ params, onClear }: { params: ExplorerParams & { store: StoreName }; onClear: () => void }) {
  const other: StoreName = params.store === 'redis' ? 'postgres' : 'redis';
  const what = params.time === 'expires' ? 'expiring (keys without a TTL are left out)' : RECORDED[params.store];
  return (
    <div className="notice" role="status" data-testid="window-note">
      <p>
        Only records {what}
        {params.from ? (
          <>
            {' '}
            from <Timestamp iso={params.from} />
          </>
        ) : null}
        {params.to ? (
          <>
            {' '}
            until before <Timestamp iso={params.to} />
          </>
        ) : null}
        {params.consumer ? <> of consumer {params.consumer}</> : null}.{' '}
        <Link href={explorerHref({ ...params, store: other, state: undefined, pattern: undefined })}>
          The same in {other === 'redis' ? 'Redis keys' : 'Postgres rows'}
        </Link>
        .
      </p>
      <button type="button" className="button" onClick={onClear}>
        Clear time window
      </button>
    </div>
  );
}

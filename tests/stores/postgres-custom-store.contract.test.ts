import { randomInt } from 'node:crypto';
import { dedupStoreContract } from './dedup-store-contract';
import { INBOX_CONFIG, INBOX_TABLE, InboxStore } from './helpers/inbox-store';
import { postgresUnderTest } from './helpers/postgres-under-test';

// An in-house inbox with a status, a lease and its own status values, written by its service's own SQL.
dedupStoreContract(
  'postgres',
  () => postgresUnderTest('pg_custom_contract', { table: { config: INBOX_CONFIG, create: INBOX_TABLE }, library: (pool) => new InboxStore(pool) }),
  { label: 'postgres (custom profile, with a status column)' },
);

// A table of integer ids and times only: nothing in it is ever in flight, so the in-flight cases do not apply (like the recipe's).
dedupStoreContract(
  'postgres',
  () =>
    postgresUnderTest('pg_custom_plain_contract', {
      table: {
        config: { schema: 'public', table: 'seen', profile: 'custom', columns: { id: 'event_id', processed: 'seen_at', statusValues: { processing: 'processing', completed: 'completed', failed: 'failed' } } },
        create: 'CREATE TABLE public.seen (event_id bigint PRIMARY KEY, seen_at timestamptz NOT NULL DEFAULT now())',
      },
      newKey: () => String(randomInt(1, 2 ** 47)),
    }),
  { label: 'postgres (custom profile, without a status column)', inFlight: false },
);

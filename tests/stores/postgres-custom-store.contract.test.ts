import { randomInt, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient } from '../../lib/db/prisma';
import { PostgresStore } from '../../lib/idempotency';
import { postgresDedupStore } from '../../lib/stores/postgres/dedup-store';
import { actionFixture } from '../actions/setup';
import { dedupStoreContract, type StoreUnderTest } from './dedup-store-contract';
import { INBOX_CONFIG, INBOX_TABLE, InboxStore } from './helpers/inbox-store';
import type { WatchedTableConfig } from '../../lib/config/env';

/** The contract on a table watched through a column mapping, over a fixture of its own. */
async function open(
  label: string,
  table: WatchedTableConfig,
  create: string,
  library: (pool: pg.Pool) => StoreUnderTest['library'],
  newKey: () => string = randomUUID,
): Promise<StoreUnderTest> {
  const fixture = await actionFixture(label, { tables: [table] });
  const pool = new pg.Pool({ connectionString: fixture.database.url, max: 4 });
  await pool.query(create);
  const dead = createPrismaClient('postgresql://postgres@127.0.0.1:1/nowhere', 1);
  return {
    fixture,
    store: fixture.stores.postgres,
    withSettings: (overrides) => postgresDedupStore(fixture.db, { ...fixture.config, ...overrides }),
    unreachable: postgresDedupStore(dead, fixture.config),
    library: library(pool),
    newKey,
    target: (key) => key,
    foreignTarget: 'order-123',
    async close() {
      await dead.$disconnect().catch(() => undefined);
      await pool.end();
      await fixture.close();
    },
  };
}

// An in-house inbox with a status, a lease and its own status values, written by its service's own SQL.
dedupStoreContract('postgres', () => open('pg_custom_contract', INBOX_CONFIG, INBOX_TABLE, (pool) => new InboxStore(pool)), {
  label: 'postgres (custom profile, with a status column)',
});

// A table of integer ids and times only: nothing in it is ever in flight, so the in-flight cases do not apply (like the recipe's).
dedupStoreContract(
  'postgres',
  () =>
    open(
      'pg_custom_plain_contract',
      { schema: 'public', table: 'seen', profile: 'custom', columns: { id: 'event_id', processed: 'seen_at', statusValues: { processing: 'processing', completed: 'completed', failed: 'failed' } } },
      'CREATE TABLE public.seen (event_id bigint PRIMARY KEY, seen_at timestamptz NOT NULL DEFAULT now())',
      (pool) => new PostgresStore(pool),
      () => String(randomInt(1, 2 ** 47)),
    ),
  { label: 'postgres (custom profile, without a status column)', inFlight: false },
);

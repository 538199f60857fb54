import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient } from '../../lib/db/prisma';
import { PostgresStore } from '../../lib/idempotency';
import { postgresDedupStore } from '../../lib/stores/postgres/dedup-store';
import { actionFixture } from '../actions/setup';
import { dedupStoreContract } from './dedup-store-contract';

const TABLES = [{ schema: 'public', table: 'recipe_rows', profile: 'recipe' as const }];

// The same contract on a table of the common recipe: nothing there is ever in
// flight, so the in-flight cases do not apply (tests/stores/recipe-attach.test.ts
// covers its release and purge).
dedupStoreContract(
  'postgres',
  async () => {
    const fixture = await actionFixture('pg_recipe_contract', { tables: TABLES });
    const pool = new pg.Pool({ connectionString: fixture.database.url, max: 2 });
    await pool.query('CREATE TABLE recipe_rows (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)');
    const dead = createPrismaClient('postgresql://postgres@127.0.0.1:1/nowhere', 1);
    return {
      fixture,
      store: fixture.stores.postgres,
      withSettings: (overrides) => postgresDedupStore(fixture.db, { ...fixture.config, ...overrides }),
      unreachable: postgresDedupStore(dead, fixture.config),
      library: new PostgresStore(pool),
      newKey: () => randomUUID(),
      target: (key) => key,
      foreignTarget: 'order-123',
      async close() {
        await dead.$disconnect().catch(() => undefined);
        await pool.end();
        await fixture.close();
      },
    };
  },
  { label: 'postgres (recipe profile)', inFlight: false },
);

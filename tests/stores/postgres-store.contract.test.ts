import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient } from '../../lib/db/prisma';
import { PostgresStore } from '../../lib/idempotency';
import { postgresDedupStore } from '../../lib/stores/postgres/dedup-store';
import { actionFixture } from '../actions/setup';
import { dedupStoreContract } from './dedup-store-contract';

dedupStoreContract('postgres', async () => {
  const fixture = await actionFixture('pg_contract');
  const pool = new pg.Pool({ connectionString: fixture.database.url, max: 4 });
  // Nothing listens on port 1.
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
}, { label: 'postgres (library profile)' });

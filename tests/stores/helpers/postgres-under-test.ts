import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { WatchedTableConfig } from '../../../lib/config/env';
import { createPrismaClient } from '../../../lib/db/prisma';
import { PostgresStore } from '../../../lib/idempotency';
import { postgresDedupStore } from '../../../lib/stores/postgres/dedup-store';
import { actionFixture } from '../../actions/setup';
import type { StoreUnderTest } from '../dedup-store-contract';

export interface WatchedTable {
  config: WatchedTableConfig;
  /** The table as its service creates it. */
  create: string;
}

/**
 * The Postgres store for the contract suite, over a database of its own:
 * the library's table by default, or one watched table created as its
 * service would. `library` writes the records the contract reads.
 */
export async function postgresUnderTest(
  label: string,
  options: { table?: WatchedTable; library?: (pool: pg.Pool) => StoreUnderTest['library']; newKey?: () => string } = {},
): Promise<StoreUnderTest> {
  const fixture = await actionFixture(label, options.table ? { tables: [options.table.config] } : {});
  const pool = new pg.Pool({ connectionString: fixture.database.url, max: 4 });
  if (options.table) await pool.query(options.table.create);
  // Nothing listens on port 1.
  const dead = createPrismaClient('postgresql://postgres@127.0.0.1:1/nowhere', 1);
  return {
    fixture,
    store: fixture.stores.postgres,
    withSettings: (overrides) => postgresDedupStore(fixture.db, { ...fixture.config, ...overrides }),
    unreachable: postgresDedupStore(dead, fixture.config),
    library: options.library ? options.library(pool) : new PostgresStore(pool),
    newKey: options.newKey ?? randomUUID,
    target: (key) => key,
    foreignTarget: 'order-123',
    async close() {
      await dead.$disconnect().catch(() => undefined);
      await pool.end();
      await fixture.close();
    },
  };
}

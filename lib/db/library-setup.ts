import pg from 'pg';
import { setupPostgresStore, type PostgresSetupOptions } from '../idempotency';

/**
 * The processor library's own tables (its rows and delivery counters) on a
 * database: `npm run library:setup`. A separate step from `npm run
 * db:migrate`, which only ever touches Idemscope's own schema; the demo, the
 * simulator's tests and the benchmarks run it because they write through the
 * library.
 */
export async function setupLibraryTables(databaseUrl: string, options: PostgresSetupOptions = {}): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await setupPostgresStore(client, options);
  } finally {
    await client.end();
  }
}

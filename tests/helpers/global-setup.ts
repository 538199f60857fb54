import pg from 'pg';
import { setupLibraryTables } from '../../lib/db/library-setup';
import { migrate } from '../../lib/db/migrate';
import { ADMIN_URL, TEMPLATE_DB, databaseUrl } from './postgres';

// Migrates one template database per run; each test file then clones it,
// which takes milliseconds and keeps files from seeing each other's rows.
export default async function setup(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await migrate(databaseUrl(TEMPLATE_DB));
  // Most suites drive the processor library, so the template holds its tables too; tests of a
  // database the library never touched start from an empty database of their own.
  await setupLibraryTables(databaseUrl(TEMPLATE_DB));
}

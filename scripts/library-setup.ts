/**
 * `npm run library:setup [-- --table schema.table]`: creates the processor
 * library's table and delivery counters (lib/idempotency's
 * setupPostgresStore) in DATABASE_URL. Services that adopt the library run it
 * once; Idemscope's dashboard never needs it.
 */
import { env } from '../lib/config/env';
import { setupLibraryTables } from '../lib/db/library-setup';

const at = process.argv.indexOf('--table');
const table = at >= 0 ? process.argv[at + 1] : undefined;
const { DATABASE_URL } = env();
await setupLibraryTables(DATABASE_URL, table ? { table } : {});
const where = new URL(DATABASE_URL);
console.log(`${where.host}${where.pathname}: ${table ?? 'processed_messages'} and its delivery counters are ready for the processor library`);

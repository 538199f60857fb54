/**
 * `npm run library:setup [-- --table schema.table] [--partitioned-by column] [--days-ahead N]`:
 * creates the processor library's table and delivery counters (lib/idempotency's
 * setupPostgresStore) in DATABASE_URL. Services that adopt the library run it
 * once; Idemscope's dashboard never needs it. With `--partitioned-by`, the
 * table is range-partitioned by that time column in daily partitions; run
 * `npm run library:partitions` daily to create the upcoming ones.
 */
import { env } from '../lib/config/env';
import { setupLibraryTables } from '../lib/db/library-setup';

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const table = arg('--table');
const partitionedBy = arg('--partitioned-by');
const daysAhead = arg('--days-ahead');
const { DATABASE_URL } = env();
await setupLibraryTables(DATABASE_URL, {
  ...(table ? { table } : {}),
  ...(partitionedBy ? { partitionedBy, partitions: { daysAhead: daysAhead ? Number(daysAhead) : 7 } } : {}),
});
const where = new URL(DATABASE_URL);
console.log(
  `${where.host}${where.pathname}: ${table ?? 'processed_messages'}${partitionedBy ? ` (partitioned by ${partitionedBy})` : ''} and its delivery counters are ready for the processor library`,
);

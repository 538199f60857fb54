/**
 * `npm run library:partitions [-- --table schema.table] [--days-ahead N]`: creates
 * the daily partitions of the library's partitioned table (setupPostgresStore
 * with partitionedBy) from today to N days ahead (default 7) that do not exist
 * yet (lib/idempotency's ensurePartitions). Idempotent: run it daily (cron) so
 * that claims never meet a day without its partition.
 */
import pg from 'pg';
import { env } from '../lib/config/env';
import { ensurePartitions } from '../lib/idempotency';

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const table = arg('--table') ?? 'processed_messages';
const daysAhead = Number(arg('--days-ahead') ?? 7);
const client = new pg.Client({ connectionString: env().DATABASE_URL });
await client.connect();
try {
  const created = await ensurePartitions(client, { table, daysAhead });
  console.log(created.length ? `created ${created.join(', ')}` : `${table}: every day up to ${daysAhead} days ahead already has its partition`);
} finally {
  await client.end();
}

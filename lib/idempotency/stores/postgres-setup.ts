import type { Queryable } from './postgres-store';
import { qualifiedName } from './postgres-names';

export interface PostgresSetupOptions {
  /** `table` or `schema.table`; default `processed_messages`. */
  table?: string;
  /** The delivery counters' table; null for none. Default `delivery_stats`, in the same schema as `table`. */
  statsTable?: string | null;
}

/**
 * Creates (or brings up to date) the tables a PostgresStore writes: the rows
 * and the delivery counters. This is the library's own, separate step (`npm
 * run library:setup`); Idemscope's dashboard never runs it on a team's
 * database. On an existing table of the common recipe
 * (message_id uuid primary key, processed_at timestamptz, result jsonb) it
 * adds the library's columns, each with a default, so the recipe's plain
 * `INSERT … ON CONFLICT (message_id) DO NOTHING` keeps working. Idempotent,
 * all or nothing.
 */
export async function setupPostgresStore(db: Queryable, options: PostgresSetupOptions = {}): Promise<void> {
  const name = options.table ?? 'processed_messages';
  const schema = name.includes('.') ? name.split('.')[0]! : null;
  const bare = name.split('.').pop()!;
  const table = qualifiedName(name);
  const inSchema = (n: string) => qualifiedName(schema ? `${schema}.${n}` : n);
  const status = inSchema('message_status');
  const index = (suffix: string) => qualifiedName(`${bare}_${suffix}`);
  const stats = options.statsTable === null ? null : inSchema(options.statsTable ?? 'delivery_stats');
  const statements = [
    `DO $$ BEGIN
       CREATE TYPE ${status} AS ENUM ('processing', 'completed', 'failed');
     EXCEPTION WHEN duplicate_object THEN NULL;
     END $$`,
    `CREATE TABLE IF NOT EXISTS ${table} (
       message_id UUID NOT NULL PRIMARY KEY,
       processed_at TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
       result JSONB
     )`,
    `ALTER TABLE ${table}
       ALTER COLUMN processed_at SET NOT NULL,
       ALTER COLUMN processed_at SET DEFAULT CURRENT_TIMESTAMP,
       ADD COLUMN IF NOT EXISTS consumer TEXT NOT NULL DEFAULT 'unknown',
       ADD COLUMN IF NOT EXISTS status ${status} NOT NULL DEFAULT 'completed',
       ADD COLUMN IF NOT EXISTS delivery_count INTEGER NOT NULL DEFAULT 1,
       ADD COLUMN IF NOT EXISTS claimed_at TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
       ADD COLUMN IF NOT EXISTS last_seen_at TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
       ADD COLUMN IF NOT EXISTS owner_token TEXT,
       ADD COLUMN IF NOT EXISTS lease_expires_at TIMESTAMPTZ(6),
       ADD COLUMN IF NOT EXISTS expires_at TIMESTAMPTZ(6),
       ADD COLUMN IF NOT EXISTS fingerprint TEXT`,
    `CREATE INDEX IF NOT EXISTS ${index('status_lease_idx')} ON ${table} (status, lease_expires_at)`,
    `CREATE INDEX IF NOT EXISTS ${index('expires_at_idx')} ON ${table} (expires_at)`,
    `CREATE INDEX IF NOT EXISTS ${index('processed_at_idx')} ON ${table} (processed_at)`,
    `CREATE INDEX IF NOT EXISTS ${index('consumer_status_idx')} ON ${table} (consumer, status)`,
    // Keyset pages of one status in claim order: what a dashboard lists.
    `CREATE INDEX IF NOT EXISTS ${index('status_claimed_idx')} ON ${table} (status, claimed_at, message_id)`,
    ...(stats === null
      ? []
      : [
          `CREATE TABLE IF NOT EXISTS ${stats} (
             bucket_start TIMESTAMPTZ(6) NOT NULL,
             consumer TEXT NOT NULL,
             store TEXT NOT NULL DEFAULT 'postgres',
             writer SMALLINT NOT NULL DEFAULT 0,
             deliveries BIGINT NOT NULL DEFAULT 0,
             first_deliveries BIGINT NOT NULL DEFAULT 0,
             duplicates BIGINT NOT NULL DEFAULT 0,
             in_progress_conflicts BIGINT NOT NULL DEFAULT 0,
             failures BIGINT NOT NULL DEFAULT 0,
             releases BIGINT NOT NULL DEFAULT 0,
             PRIMARY KEY (bucket_start, consumer, store, writer)
           )`,
        ]),
  ];
  // One simple-protocol query: one round trip, and Postgres runs it as one
  // transaction, on whichever connection of a pool it lands.
  await db.query(statements.join(';\n'));
}

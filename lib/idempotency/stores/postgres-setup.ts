import type { Queryable } from './postgres-store';
import { qualifiedName } from './postgres-names';

export interface PostgresSetupOptions {
  /** `table` or `schema.table`; default `processed_messages`. */
  table?: string;
  /** The delivery counters' table; null for none. Default `delivery_stats`, in the same schema as `table`. */
  statsTable?: string | null;
  /**
   * Creates the table range-partitioned by this time column (e.g.
   * `message_time`, the broker's record timestamp), with primary key
   * `(message_id, column)` and daily partitions from `partitions.daysBack`
   * days ago to `partitions.daysAhead` days ahead (see ensurePartitions). An
   * existing table is never converted: partitioning one is a migration of
   * its own. Default: not partitioned.
   */
  partitionedBy?: string;
  partitions?: { daysBack?: number; daysAhead?: number };
}

export interface EnsurePartitionsOptions {
  /** `table` or `schema.table`; default `processed_messages`. */
  table?: string;
  /** Daily partitions from this many days before today (UTC). Default 0. */
  daysBack?: number;
  /** …to this many days after today. Default 7. */
  daysAhead?: number;
  /** Epoch ms of "today"; default now. */
  now?: number;
}

const DAY_MS = 86_400_000;

/**
 * Creates the daily partitions (UTC days, named `<table>_pYYYYMMDD`) of a
 * table made by setupPostgresStore({ partitionedBy }) that do not exist yet,
 * from daysBack days ago to daysAhead days ahead: the step a service runs
 * every day (a cron job, or at start), so that claims never meet a day
 * without its partition. Idempotent: a day already covered, by this name or
 * by another partition, is left as it is. Returns the partitions it created.
 */
export async function ensurePartitions(db: Queryable, options: EnsurePartitionsOptions = {}): Promise<string[]> {
  const name = options.table ?? 'processed_messages';
  const table = qualifiedName(name);
  const schema = name.includes('.') ? `${name.split('.')[0]}.` : '';
  const bare = name.split('.').pop()!;
  const today = Math.floor((options.now ?? Date.now()) / DAY_MS) * DAY_MS;
  const days: number[] = [];
  for (let d = -(options.daysBack ?? 0); d <= (options.daysAhead ?? 7); d++) days.push(today + d * DAY_MS);
  const created: string[] = [];
  for (const day of days) {
    const stamp = new Date(day).toISOString().slice(0, 10).replace(/-/g, '');
    const partition = qualifiedName(`${schema}${bare}_p${stamp}`);
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    const { rows } = await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [partition]);
    if ((rows[0] as { present: boolean }).present) continue;
    // A day some other partition already covers (42P17, overlap) is skipped, not an error.
    await db.query(
      `DO $$ BEGIN
         CREATE TABLE IF NOT EXISTS ${partition} PARTITION OF ${table} FOR VALUES FROM ('${from}') TO ('${to}');
       EXCEPTION WHEN invalid_object_definition THEN NULL;
       END $$`,
    );
    created.push(partition);
  }
  return created;
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
  const key = options.partitionedBy === undefined ? null : qualifiedName(options.partitionedBy);
  const statements = [
    `DO $$ BEGIN
       CREATE TYPE ${status} AS ENUM ('processing', 'completed', 'failed');
     EXCEPTION WHEN duplicate_object THEN NULL;
     END $$`,
    ...(key === null
      ? [
          `CREATE TABLE IF NOT EXISTS ${table} (
             message_id UUID NOT NULL PRIMARY KEY,
             processed_at TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
             result JSONB
           )`,
        ]
      : [
          `DO $$ BEGIN
             IF to_regclass('${table}') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('${table}')) THEN
               RAISE EXCEPTION '${name} exists and is not partitioned: partitioning an existing table is a migration of its own' USING ERRCODE = 'wrong_object_type';
             END IF;
           END $$`,
          `CREATE TABLE IF NOT EXISTS ${table} (
             message_id UUID NOT NULL,
             ${key} TIMESTAMPTZ(6) NOT NULL,
             processed_at TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
             result JSONB,
             PRIMARY KEY (message_id, ${key})
           ) PARTITION BY RANGE (${key})`,
          // Listings of all rows and of expired ones walk the partition key, newest or oldest first.
          `CREATE INDEX IF NOT EXISTS ${index('time_idx')} ON ${table} (${key}, message_id)`,
        ]),
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
  if (key !== null) await ensurePartitions(db, { table: name, daysBack: options.partitions?.daysBack ?? 0, daysAhead: options.partitions?.daysAhead ?? 7 });
}

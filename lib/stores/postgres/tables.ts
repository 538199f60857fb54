import type { CustomColumns, TableProfileName, WatchedTableConfig } from '../../config/env';
import { query, type Db } from './db';
import { raw, sql, type Sql } from './sql';

/** A watched table, by name: `schema.table` for people, quoted and qualified for SQL. */
export interface TableRef {
  name: string;
  sql: Sql;
}

export function tableRef(config: Pick<WatchedTableConfig, 'schema' | 'table'>): TableRef {
  return { name: `${config.schema}.${config.table}`, sql: raw(`"${config.schema}"."${config.table}"`) };
}

export const DEFAULT_TABLES: WatchedTableConfig[] = [{ schema: 'public', table: 'processed_messages' }];

/**
 * The columns each profile reads, with the types it needs them to have
 * (information_schema's data_type, or udt_name for user-defined types).
 * Extra columns are ignored; a table that lacks one of these is not that
 * profile's.
 */
const PROFILE_COLUMNS: Record<Exclude<TableProfileName, 'custom'>, Record<string, readonly string[]>> = {
  recipe: {
    message_id: ['uuid'],
    processed_at: ['timestamp with time zone'],
    result: ['jsonb', 'json'],
  },
  'stripe-keys': {
    id: ['bigint'],
    created_at: ['timestamp with time zone'],
    idempotency_key: ['text', 'character varying'],
    last_run_at: ['timestamp with time zone'],
    locked_at: ['timestamp with time zone'],
    recovery_point: ['text', 'character varying'],
  },
  library: {
    message_id: ['uuid'],
    processed_at: ['timestamp with time zone'],
    result: ['jsonb', 'json'],
    consumer: ['text'],
    status: ['message_status', 'text'],
    delivery_count: ['integer'],
    claimed_at: ['timestamp with time zone'],
    last_seen_at: ['timestamp with time zone'],
    owner_token: ['text'],
    lease_expires_at: ['timestamp with time zone'],
    expires_at: ['timestamp with time zone'],
    fingerprint: ['text'],
  },
};

/** Most specific first: a table with the library's columns also has the recipe's. A `custom` table is never detected, only configured. */
const DETECTION_ORDER: TableProfileName[] = ['library', 'stripe-keys', 'recipe'];

const TIMESTAMPTZ = ['timestamp with time zone'];
/** The types each role of a custom mapping may have; the status column may be of any type (it is compared as text). */
const CUSTOM_ROLE_TYPES: Record<Exclude<keyof CustomColumns, 'statusValues'>, readonly string[] | null> = {
  id: ['uuid', 'bigint', 'integer'],
  processed: TIMESTAMPTZ,
  claimed: TIMESTAMPTZ,
  lease: TIMESTAMPTZ,
  expires: TIMESTAMPTZ,
  result: ['jsonb', 'json', 'text'],
  consumer: ['text', 'character varying'],
  status: null,
};

/** A custom table's columns as its mapping names them, with the types its roles need. */
function customColumnsNeeded(m: CustomColumns): [string, readonly string[] | null, string][] {
  return (Object.keys(CUSTOM_ROLE_TYPES) as (keyof typeof CUSTOM_ROLE_TYPES)[])
    .filter((role) => m[role] !== undefined)
    .map((role) => [m[role]!, CUSTOM_ROLE_TYPES[role], role]);
}

export interface WatchedTable extends TableRef {
  profile: TableProfileName;
  /** Whether an index leads with the column the profile's expiry reads; without one, counting expired rows reads the table. */
  timeIndexed: boolean;
  /** The processor library's delivery counters beside a library table (`<schema>.delivery_stats`), when they exist. */
  stats: TableRef | null;
  /** The time column of a table range-partitioned by it (pg_partitioned_table), read through its partitions; null for a plain table. */
  partitionedBy: string | null;
  /** Of a `custom` table: its column mapping, and whether its id is a uuid or an integer. */
  custom?: { columns: CustomColumns; idKind: 'uuid' | 'integer' };
}

export interface UnfitTable {
  name: string;
  /** The profile it was configured with, or null when none was and none fits. */
  profile: TableProfileName | null;
  /** Why it cannot be watched: missing columns by profile, or that the table does not exist. */
  problem: string;
  missing: Record<string, string[]>;
}

export interface ResolvedTables {
  watched: WatchedTable[];
  unfit: UnfitTable[];
}

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  type: string;
}

interface PartitionKeyRow {
  schema: string;
  table: string;
  strategy: string;
  keys: number;
  column: string | null;
  timestamptz: boolean | null;
}

/**
 * Partitioned tables are read through their partition bounds, which only
 * means something for a library table range-partitioned by one time column.
 */
function partitionProblem(key: PartitionKeyRow, profile: TableProfileName): string | null {
  if (key.strategy !== 'r' || key.keys !== 1 || key.column === null || key.timestamptz !== true) {
    return 'is partitioned, but not by range of one timestamptz column: only such a partitioned table can be watched';
  }
  if (profile !== 'library') return `is partitioned: only a partitioned table of the library profile can be watched (this one fits ${profile})`;
  return null;
}

function missingColumns(columns: Map<string, string>, profile: TableProfileName, config: WatchedTableConfig): string[] {
  if (profile === 'custom') {
    // A custom table without a mapping was reported before this is asked.
    return customColumnsNeeded(config.columns!)
      .filter(([name, types]) => (types ? !types.includes(columns.get(name) ?? '') : !columns.has(name)))
      .map(([name, types, role]) => `${name} (${types ? types.join(' or ') : 'any type'}, for ${role})`);
  }
  return Object.entries(PROFILE_COLUMNS[profile])
    .filter(([name, types]) => !types.includes(columns.get(name) ?? ''))
    .map(([name, types]) => `${name} (${types.join(' or ')})`);
}

/**
 * Matches each configured table to its profile from information_schema:
 * one catalog query for all of them, no read of any table. A configured
 * profile is checked; an unset one is the most specific that fits.
 */
export async function resolveTables(db: Db, configs: WatchedTableConfig[]): Promise<ResolvedTables> {
  const schemas = configs.map((c) => c.schema);
  const names = configs.map((c) => c.table);
  const [columns, indexes, stats, partitioned] = await Promise.all([
    query<ColumnRow>(
      db,
      sql`SELECT c.table_schema AS schema, c.table_name AS "table", c.column_name AS column,
            CASE WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END AS type
          FROM information_schema.columns c
          JOIN unnest(${schemas}::text[], ${names}::text[]) AS w(s, t) ON c.table_schema = w.s AND c.table_name = w.t`,
    ),
    query<{ schema: string; table: string; column: string }>(
      db,
      sql`SELECT n.nspname AS schema, t.relname AS "table", a.attname AS column
          FROM pg_index i
          JOIN pg_class t ON t.oid = i.indrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
          JOIN unnest(${schemas}::text[], ${names}::text[]) AS w(s, t) ON n.nspname = w.s AND t.relname = w.t`,
    ),
    query<{ schema: string }>(db, sql`SELECT DISTINCT s AS schema FROM unnest(${schemas}::text[]) AS s WHERE to_regclass(format('%I.delivery_stats', s)) IS NOT NULL`),
    query<PartitionKeyRow>(
      db,
      sql`SELECT n.nspname AS schema, c.relname AS "table", pt.partstrat::text AS strategy, pt.partnatts::int AS keys,
            a.attname AS column, a.atttypid = 'timestamptz'::regtype AS timestamptz
          FROM pg_partitioned_table pt
          JOIN pg_class c ON c.oid = pt.partrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]
          JOIN unnest(${schemas}::text[], ${names}::text[]) AS w(s, t) ON n.nspname = w.s AND c.relname = w.t`,
    ),
  ]);
  const withStats = new Set(stats.map((s) => s.schema));
  const out: ResolvedTables = { watched: [], unfit: [] };
  for (const config of configs) {
    const ref = tableRef(config);
    const mine = new Map(columns.filter((c) => c.schema === config.schema && c.table === config.table).map((c) => [c.column, c.type]));
    if (!mine.size) {
      out.unfit.push({ name: ref.name, profile: config.profile ?? null, problem: 'table not found (or not readable by this role)', missing: {} });
      continue;
    }
    if (config.profile === 'custom' && !config.columns) {
      out.unfit.push({ name: ref.name, profile: 'custom', problem: 'has no column mapping (IDEMSCOPE_CUSTOM_COLUMNS)', missing: {} });
      continue;
    }
    const candidates = config.profile ? [config.profile] : DETECTION_ORDER;
    const fit = candidates.find((p) => missingColumns(mine, p, config).length === 0);
    if (!fit) {
      const missing = Object.fromEntries(candidates.map((p) => [p, missingColumns(mine, p, config)]));
      const problem = candidates.map((p) => `${p} needs ${missing[p]!.join(', ')}`).join('; ');
      out.unfit.push({ name: ref.name, profile: config.profile ?? null, problem: `fits no profile: ${problem}`, missing });
      continue;
    }
    const key = partitioned.find((p) => p.schema === config.schema && p.table === config.table);
    const keyProblem = key ? partitionProblem(key, fit) : null;
    if (keyProblem) {
      out.unfit.push({ name: ref.name, profile: config.profile ?? null, problem: keyProblem, missing: {} });
      continue;
    }
    const leading = new Set(indexes.filter((i) => i.schema === config.schema && i.table === config.table).map((i) => i.column));
    const counters = fit === 'library' && withStats.has(config.schema) ? tableRef({ schema: config.schema, table: 'delivery_stats' }) : null;
    const timeColumn = fit === 'stripe-keys' ? 'created_at' : fit === 'custom' ? config.columns!.processed : 'processed_at';
    const custom = fit === 'custom' ? { columns: config.columns!, idKind: mine.get(config.columns!.id) === 'uuid' ? ('uuid' as const) : ('integer' as const) } : undefined;
    // A partitioned table's rules and listings read its partition key, so that is the time column whose index matters.
    out.watched.push({ ...ref, profile: fit, timeIndexed: leading.has(key?.column ?? timeColumn), stats: counters, partitionedBy: key?.column ?? null, ...(custom ? { custom } : {}) });
  }
  return out;
}

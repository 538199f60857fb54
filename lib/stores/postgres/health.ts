import { num, query, type Db } from './db';
import { sql } from './sql';
import type { ResolvedTables, UnfitTable } from './tables';

export interface PostgresProbe {
  latencyMs: number;
  /** Every watched table's pg_total_relation_size, summed. */
  tableBytes: number;
  /** The library's delivery counters, when a watched table has them; null otherwise. */
  statsTableBytes: number | null;
  tables: { table: string; profile: string; timeIndexed: boolean }[];
  /** Configured tables that fit no profile, with what they lack: reported, never an error. */
  unfit: UnfitTable[];
}

/** One round trip: the latency, and the relation sizes from the catalog (no table is read). */
export async function probePostgres(db: Db, tables: ResolvedTables): Promise<PostgresProbe> {
  const names = tables.watched.map((t) => t.name);
  const stats = tables.watched.find((t) => t.stats)?.stats?.name ?? null;
  const started = performance.now();
  const [row] = await query<{ table_bytes: bigint | null; stats_bytes: bigint | null }>(
    db,
    sql`SELECT (SELECT sum(pg_total_relation_size(to_regclass(n))) FROM unnest(${names}::text[]) AS n) AS table_bytes,
          pg_total_relation_size(to_regclass(${stats}::text)) AS stats_bytes`,
  );
  return {
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    tableBytes: num(row?.table_bytes),
    statsTableBytes: row?.stats_bytes === null || row?.stats_bytes === undefined ? null : num(row.stats_bytes),
    tables: tables.watched.map((t) => ({ table: t.name, profile: t.profile, timeIndexed: t.timeIndexed })),
    unfit: tables.unfit,
  };
}

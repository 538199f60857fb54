import { num, query, type Db } from './db';
import { sql } from './sql';

export interface PostgresProbe {
  latencyMs: number;
  tableBytes: number;
  statsTableBytes: number;
}

/** One round trip: the latency, and the relation sizes from the catalog (no table is read). */
export async function probePostgres(db: Db): Promise<PostgresProbe> {
  const started = performance.now();
  const [row] = await query<{ table_bytes: bigint; stats_bytes: bigint }>(
    db,
    sql`SELECT pg_total_relation_size('processed_messages') AS table_bytes, pg_total_relation_size('delivery_stats') AS stats_bytes`,
  );
  return { latencyMs: Math.round((performance.now() - started) * 10) / 10, tableBytes: num(row?.table_bytes), statsTableBytes: num(row?.stats_bytes) };
}

import { num, query, type Db } from './db';
import type { RowClock } from './rules';
import { raw, sql, type Sql } from './sql';
import type { TableRef } from './tables';

/** When a profile's rows expire (rules.ts), and which rows expire at all. */
export interface ExpiryRule {
  at: Sql;
  finished: Sql;
}

export interface RowExpiry {
  /** Rows expiring in each bucket from `originMs` on (only expiries after now are counted). */
  buckets: number[];
  /** Scaled up from a sample of the table's pages. */
  estimated: boolean;
}

/** Tables up to this size are counted exactly; larger ones from a page sample of about this many rows. */
const EXACT_ROWS = 50_000;

/**
 * When finished rows pass their retention (expires_at when set, else
 * processed_at + retention). Counting millions of rows into buckets is a
 * full scan, so on a large table it reads a fixed-seed page sample
 * (TABLESAMPLE SYSTEM) and scales up: an estimate, and labelled as one.
 */
export async function rowExpiry(
  db: Db,
  t: TableRef,
  rule: ExpiryRule,
  clock: RowClock,
  originMs: number,
  bucketSeconds: number,
  buckets: number,
): Promise<RowExpiry> {
  const [stats] = await query<{ n: number }>(db, sql`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = ${t.name}::regclass`);
  const reltuples = num(stats?.n);
  const estimated = reltuples > EXACT_ROWS;
  const percent = estimated ? Math.min(100, (100 * EXACT_ROWS) / reltuples) : 100;
  const sample = estimated ? sql` TABLESAMPLE SYSTEM (${percent}::float8) REPEATABLE (7)` : raw('');
  const origin = new Date(originMs);
  const horizonEnd = new Date(originMs + bucketSeconds * buckets * 1000);
  const rows = await query<{ i: number; n: bigint }>(
    db,
    sql`SELECT floor(extract(epoch FROM (e.at - ${origin}::timestamptz)) / ${bucketSeconds}::float8)::int AS i, count(*) AS n
        FROM (
          SELECT ${rule.at} AS at
          FROM ${t.sql}${sample}
          WHERE ${rule.finished}
        ) e
        WHERE e.at > ${clock.now}::timestamptz AND e.at < ${horizonEnd}::timestamptz
        GROUP BY 1`,
  );
  const scale = 100 / percent;
  const out = new Array<number>(buckets).fill(0);
  for (const r of rows) if (r.i >= 0 && r.i < buckets) out[r.i] = Math.round(num(r.n) * scale);
  return { buckets: out, estimated };
}

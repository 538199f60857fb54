import type { PrismaClient } from '../../db/generated/client';
import { StorePrivilegeError } from '../../errors';
import { countUpTo, planRows, type Count } from './counts';
import { num, query, type Db } from './db';
import type { RowExpiry } from './expiry';
import { EXACT_COUNT_CAP } from './purge';
import { quoteIdent, type LibraryRules, type RowClock } from './rules';
import { raw, sql, type Sql } from './sql';
import type { TableRef } from './tables';

/**
 * A partition of a watched range-partitioned table, from the catalog
 * (pg_inherits, its bound expression): no read of the partition itself.
 */
export interface Partition extends TableRef {
  /** FROM bound; null for MINVALUE (or a default partition). */
  lower: Date | null;
  /** TO bound (exclusive); null for MAXVALUE (or a default partition). */
  upper: Date | null;
  /** The bound as Postgres prints it (`FOR VALUES FROM (…) TO (…)`, `DEFAULT`), to attach it again as it was. */
  bound: string;
  /** A partition that is itself partitioned: never dropped or purged by the dashboard. */
  nested: boolean;
  isDefault: boolean;
  /** Left half-detached by an interrupted DETACH … CONCURRENTLY. */
  detaching: boolean;
  /** The statistics collector's live rows (kept by every insert and delete), else the last ANALYZE's. */
  rows: number;
}

interface PartitionRow {
  schema: string;
  name: string;
  bound: string;
  lower: Date | null;
  upper: Date | null;
  nested: boolean;
  detaching: boolean;
  rows: number;
}

/** The partitions of `t`, oldest first, with their bounds and row estimates. */
export async function listPartitions(db: Db, t: TableRef): Promise<Partition[]> {
  const rows = await query<PartitionRow>(
    db,
    sql`SELECT n.nspname AS schema, c.relname AS name, b.bound,
          (regexp_match(b.bound, 'FROM \\(''([^'']*)''\\)'))[1]::timestamptz AS lower,
          (regexp_match(b.bound, 'TO \\(''([^'']*)''\\)'))[1]::timestamptz AS upper,
          c.relkind = 'p' AS nested, i.inhdetachpending AS detaching,
          COALESCE(s.n_live_tup::float8, GREATEST(c.reltuples, 0)::float8) AS rows
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
        LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE i.inhparent = ${t.name}::regclass
        ORDER BY 5 NULLS LAST, 4 NULLS FIRST`,
  );
  return rows.map((r) => ({
    name: `${r.schema}.${r.name}`,
    sql: raw(`${quoteIdent(r.schema)}.${quoteIdent(r.name)}`),
    lower: r.lower,
    upper: r.upper,
    bound: r.bound,
    nested: r.nested,
    isDefault: r.bound === 'DEFAULT',
    detaching: r.detaching,
    rows: Math.round(num(r.rows)),
  }));
}

/**
 * Rows of a partitioned table without reading it: the sum over its leaf
 * partitions of the statistics collector's live rows (right after a bulk
 * load or delete, with no ANALYZE), else of the last ANALYZE's.
 */
export async function estimatePartitionedRows(db: Db, t: TableRef): Promise<number> {
  const [row] = await query<{ n: number }>(
    db,
    sql`SELECT COALESCE(sum(CASE WHEN s.n_live_tup > 0 THEN s.n_live_tup::float8 ELSE GREATEST(c.reltuples, 0)::float8 END), 0) AS n
        FROM pg_partition_tree(${t.name}::regclass) p
        JOIN pg_class c ON c.oid = p.relid
        LEFT JOIN pg_stat_user_tables s ON s.relid = p.relid
        WHERE p.isleaf`,
  );
  return Math.round(num(row?.n));
}

/**
 * The expiry timeline from partition bounds: a partition's rows expire
 * between its lower and upper bound plus the retention (a row lives until its
 * partition time plus the retention), spread evenly over that span. No row is
 * read, so it is an estimate; rows kept longer by their own expires_at are
 * counted when their partition's time passes.
 */
export function boundsExpiry(parts: Partition[], retentionHours: number, clock: RowClock, originMs: number, bucketSeconds: number, buckets: number): RowExpiry {
  const out = new Array<number>(buckets).fill(0);
  const retentionMs = retentionHours * 3_600_000;
  const bucketMs = bucketSeconds * 1000;
  const nowMs = clock.now.getTime();
  for (const p of parts) {
    if (!p.lower || !p.upper || p.nested || p.rows <= 0) continue;
    const from = p.lower.getTime() + retentionMs;
    const to = p.upper.getTime() + retentionMs;
    const perMs = p.rows / (to - from);
    for (let i = 0; i < buckets; i++) {
      const start = Math.max(originMs + i * bucketMs, from, nowMs);
      const end = Math.min(originMs + (i + 1) * bucketMs, to);
      if (end > start) out[i]! += (end - start) * perMs;
    }
  }
  return { buckets: out.map(Math.round), estimated: true };
}

/** What a purge of a partitioned table does: partitions it drops whole, and partitions it purges in batches. */
export interface PartitionPlan {
  drop: { name: string; rows: number }[];
  batch: { name: string; rows: number }[];
  estimated: boolean;
}

/**
 * A partition's rows read through its table: a range of the partition key
 * that the planner prunes to that one partition, so that a role which may
 * read the table (and not each partition) can. A default partition has no
 * range and is read as itself.
 */
function inPartition(t: TableRef, column: string, p: Partition): { from: TableRef; where: Sql } {
  if (p.isDefault) return { from: p, where: raw('TRUE') };
  const key = raw(quoteIdent(column));
  const lower = p.lower ? sql`${key} >= ${p.lower}::timestamptz` : raw('TRUE');
  const upper = p.upper ? sql`${key} < ${p.upper}::timestamptz` : raw('TRUE');
  return { from: t, where: sql`${lower} AND ${upper}` };
}

/**
 * Whether a partition holds a row the purge must keep although the partition
 * is past the retention cut: one in flight, or one whose own expires_at is
 * still ahead. Two probes of the library's (status, …) and expires_at
 * indexes; the database's clock, as the purge's.
 */
async function holdsKeptRows(db: Db, part: { from: TableRef; where: Sql }): Promise<boolean> {
  const [row] = await query<{ held: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM ${part.from.sql} WHERE ${part.where} AND status = 'processing')
            OR EXISTS (SELECT 1 FROM ${part.from.sql} WHERE ${part.where} AND expires_at > now()) AS held`,
  );
  return row?.held === true;
}

/** Expired rows of one partition: exact up to EXACT_COUNT_CAP, else the planner's estimate. */
export async function expiredIn(db: Db, t: TableRef, column: string, p: Partition, rules: LibraryRules, clock: RowClock): Promise<Count> {
  const part = inPartition(t, column, p);
  const where = sql`${part.where} AND ${rules.expiredPredicate(clock)}`;
  const n = await countUpTo(db, part.from, where, EXACT_COUNT_CAP);
  if (n <= EXACT_COUNT_CAP) return { value: n, estimated: false };
  return { value: Math.max(n, await planRows(db, part.from, where)), estimated: true };
}

/**
 * The dry run of a partitioned table's purge, on the app's clock: partitions
 * whose upper bound is at or before the retention cut and that hold no kept
 * row are dropped whole (their rows from the catalog's estimate); the others
 * that start before the cut are purged row by row.
 */
export async function planPartitionPurge(db: Db, t: TableRef, column: string, rules: LibraryRules, clock: RowClock): Promise<PartitionPlan> {
  const parts = await listPartitions(db, t);
  const plan: PartitionPlan = { drop: [], batch: [], estimated: false };
  const cut = clock.retentionCut.getTime();
  for (const p of parts) {
    if (p.nested) continue;
    const droppable = !p.isDefault && p.upper !== null && p.upper.getTime() <= cut && !(await holdsKeptRows(db, inPartition(t, column, p)));
    if (droppable) {
      plan.drop.push({ name: p.name, rows: p.rows });
      plan.estimated = true;
    } else if (p.isDefault || p.lower === null || p.lower.getTime() <= cut) {
      const expired = await expiredIn(db, t, column, p, rules, clock);
      if (expired.value > 0) plan.batch.push({ name: p.name, rows: expired.value });
      plan.estimated ||= expired.estimated;
    }
  }
  return plan;
}

/** Refuses dropping partitions unless the dashboard's role owns the table and each partition (DROP and DETACH need ownership). */
export async function assertMayDropPartitions(db: Db, t: TableRef, names: string[]): Promise<void> {
  const quoted = [t.name, ...names].map((n) => n.split('.').map(quoteIdent).join('.'));
  const rows = await query<{ name: string; owns: boolean }>(
    db,
    sql`SELECT q.name, pg_has_role(c.relowner, 'USAGE') AS owns
        FROM unnest(${quoted}::text[]) WITH ORDINALITY AS q(name, i) JOIN pg_class c ON c.oid = q.name::regclass
        ORDER BY q.i`,
  );
  const missing = rows.filter((r) => !r.owns).map((r) => `ownership of ${r.name.replace(/"/g, '')} (to drop partitions past retention)`);
  if (missing.length) throw new StorePrivilegeError('postgres', missing);
}

export interface DropOutcome {
  dropped: { name: string; rows: number }[];
  /** Partitions past the cut that were kept (a row in flight or with a later expires_at): purged in batches instead. */
  kept: string[];
  /** Partitions of the table still to purge in batches, oldest first. */
  batch: string[];
  /** How long the detaching, checking again and dropping took, in ms. */
  dropMs: number;
}

/**
 * The first step of a partitioned table's purge, on the database's clock:
 * every partition entirely past retention, holding no kept row, is detached
 * (CONCURRENTLY, so that consumers writing other partitions never wait on
 * it; a plain DETACH under the lock timeout when the table has a default
 * partition, where CONCURRENTLY is not allowed), checked again now that no
 * write can reach it, and dropped; one that gained a kept row meanwhile is
 * attached back with its bound. A partition left half-detached by an
 * interrupted run is finished first.
 */
export async function dropExpiredPartitions(
  db: PrismaClient,
  t: TableRef,
  column: string,
  retentionHours: number,
  /**
   * Runs before anything is detached, with the partitions about to be dropped
   * and those to purge in batches; throws to refuse (the privilege checks).
   */
  beforeAnything: (drop: string[], batch: string[]) => Promise<void> = async () => undefined,
): Promise<DropOutcome> {
  const parts = await listPartitions(db, t);
  const [{ cut }] = (await db.$queryRawUnsafe<{ cut: Date }[]>(`SELECT now() - make_interval(hours => $1::int) AS cut`, retentionHours)) as [{ cut: Date }];
  const hasDefault = parts.some((p) => p.isDefault);
  const outcome: DropOutcome = { dropped: [], kept: [], batch: [], dropMs: 0 };
  const doomed: Partition[] = [];
  for (const p of parts) {
    if (p.nested) continue;
    const past = !p.isDefault && p.upper !== null && p.upper.getTime() <= cut.getTime();
    if (past && (p.detaching || !(await holdsKeptRows(db, inPartition(t, column, p))))) doomed.push(p);
    else if (past) {
      outcome.kept.push(p.name);
      outcome.batch.push(p.name);
    } else if (p.isDefault || p.lower === null || p.lower.getTime() <= cut.getTime()) outcome.batch.push(p.name);
  }
  await beforeAnything(
    doomed.map((p) => p.name),
    outcome.batch,
  );
  const parent = t.sql.build().text;
  const started = performance.now();
  for (const p of doomed) {
    const child = p.sql.build().text;
    await db.$executeRawUnsafe(
      p.detaching ? `ALTER TABLE ${parent} DETACH PARTITION ${child} FINALIZE` : `ALTER TABLE ${parent} DETACH PARTITION ${child}${hasDefault ? '' : ' CONCURRENTLY'}`,
    );
    // No write reaches it now: a row that came in between the check and the detach is seen here.
    if (await holdsKeptRows(db, { from: p, where: raw('TRUE') })) {
      await db.$executeRawUnsafe(`ALTER TABLE ${parent} ATTACH PARTITION ${child} ${p.bound}`);
      outcome.kept.push(p.name);
      outcome.batch.unshift(p.name);
      continue;
    }
    await db.$executeRawUnsafe(`DROP TABLE ${child}`);
    outcome.dropped.push({ name: p.name, rows: p.rows });
  }
  outcome.dropMs = Math.round(performance.now() - started);
  return outcome;
}

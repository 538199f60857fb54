import type { PreviewItem, ReleasePreview, Skipped } from '../../contract/actions';
import { namedPreview } from './named-preview';
import { classifyRow } from '../../records/classify';
import type { StoreSettings } from '../settings';
import { query, type Db } from './db';
import { rowClock, seenToken, stuckPredicate } from './rules';
import { sql } from './sql';
import type { TableRef } from './tables';

interface Row {
  id: string;
  status: 'processing' | 'completed' | 'failed';
  consumer: string;
  owner_token: string | null;
  claimed_at: Date;
  processed_at: Date;
  lease_expires_at: Date | null;
  expires_at: Date | null;
  seen: string;
}

const COLUMNS = sql`pm.message_id::text AS id, pm.status::text AS status, pm.consumer, pm.owner_token, pm.claimed_at,
  pm.processed_at, pm.lease_expires_at, pm.expires_at, ${seenToken('pm')} AS seen`;

function toItem(row: Row, config: Pick<StoreSettings, 'stuckAfterSeconds' | 'retentionHours'>, now: number): PreviewItem {
  const classified = classifyRow(
    { status: row.status, processedAt: row.processed_at, claimedAt: row.claimed_at, leaseExpiresAt: row.lease_expires_at, expiresAt: row.expires_at },
    now,
    { stuckAfterSeconds: config.stuckAfterSeconds, retentionHours: config.retentionHours },
  );
  return {
    key: row.id,
    seen: row.seen,
    state: {
      format: 'idemscope',
      state: classified.state,
      consumer: row.consumer,
      owner: row.owner_token,
      ageSeconds: classified.ageSeconds,
      ttlSeconds: null,
      startedAt: row.claimed_at.toISOString(),
      leaseExpiresAt: row.lease_expires_at?.toISOString() ?? null,
      bytes: null,
    },
  };
}

/** Preview of named rows: those in flight now, and why the others are not releasable. */
export async function previewMessages(db: Db, t: TableRef, config: Pick<StoreSettings, 'stuckAfterSeconds' | 'retentionHours' | 'bulkLimit'>, ids: string[], now: number): Promise<ReleasePreview> {
  const rows = await query<Row>(db, sql`SELECT ${COLUMNS} FROM ${t.sql} pm WHERE pm.message_id = ANY(${ids}::uuid[])`);
  return namedPreview(ids, rows, (row) => row.status === 'processing', (row) => toItem(row, config, now));
}

/**
 * Rows stuck in flight (lease run out, or older than the stuck threshold) and
 * claimed at least `olderThanSeconds` ago, oldest first, at most the bulk
 * limit. Only rows in status processing are read, through the status index.
 */
export async function previewStuckMessages(db: Db, t: TableRef, config: Pick<StoreSettings, 'stuckAfterSeconds' | 'retentionHours' | 'bulkLimit'>, olderThanSeconds: number, now: number): Promise<ReleasePreview> {
  const clock = rowClock(now, config.stuckAfterSeconds, config.retentionHours);
  const rows = await query<Row>(
    db,
    sql`SELECT ${COLUMNS} FROM ${t.sql} pm
    WHERE ${stuckPredicate(clock)} AND pm.claimed_at <= ${new Date(now - olderThanSeconds * 1000)}
    ORDER BY pm.claimed_at
    LIMIT ${config.bulkLimit + 1}`,
  );
  const wouldRelease = rows.slice(0, config.bulkLimit).map((r) => toItem(r, config, now));
  return {
    dryRun: true,
    store: 'postgres',
    count: wouldRelease.length,
    wouldRelease,
    skipped: [],
    more: rows.length > config.bulkLimit,
    examined: rows.length,
    complete: true,
  };
}

/**
 * Release = ONE statement: delete each row only while it is still in flight
 * with the owner, lease and claim time seen at preview, and count the
 * releases per consumer in the same statement. A row that completed or was
 * taken over meanwhile no longer matches and survives.
 */
export async function releaseMessages(
  db: Db,
  t: TableRef & { stats: TableRef | null },
  items: { key: string; seen: string }[],
): Promise<{ released: string[]; skipped: Skipped[] }> {
  if (!items.length) return { released: [], skipped: [] };
  const ids = items.map((i) => i.key);
  const seen = items.map((i) => i.seen);
  const released = await query<{ id: string }>(
    db,
    sql`
    WITH seen AS (
      SELECT * FROM unnest(${ids}::uuid[], ${seen}::text[]) AS s(message_id, token)
    ), released AS (
      DELETE FROM ${t.sql} pm USING seen s
      WHERE pm.message_id = s.message_id AND pm.status = 'processing' AND ${seenToken('pm')} = s.token
      RETURNING pm.message_id, pm.consumer
    )${t.stats ? sql`, counted AS (
      INSERT INTO ${t.stats.sql} AS ds (bucket_start, consumer, store, writer, releases)
      SELECT date_trunc('minute', now()), consumer, 'postgres', (pg_backend_pid() % 16)::smallint, count(*)
      FROM released GROUP BY consumer
      ON CONFLICT (bucket_start, consumer, store, writer) DO UPDATE SET releases = ds.releases + EXCLUDED.releases
    )` : sql``}
    SELECT message_id::text AS id FROM released`,
  );
  const done = new Set(released.map((r) => r.id));
  const rest = ids.filter((id) => !done.has(id));
  // Only explains the skips; the decision above was already taken atomically.
  const now = rest.length
    ? await query<{ id: string; status: string }>(
        db,
        sql`SELECT message_id::text AS id, status::text AS status FROM ${t.sql} WHERE message_id = ANY(${rest}::uuid[])`,
      )
    : [];
  const statusOf = new Map(now.map((r) => [r.id, r.status]));
  return {
    released: ids.filter((id) => done.has(id)),
    skipped: rest.map((id) => {
      const status = statusOf.get(id);
      return { key: id, reason: status === undefined ? 'missing' : status === 'processing' ? 'changed' : 'not-in-flight' };
    }),
  };
}

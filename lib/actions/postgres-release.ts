import { Prisma, type PrismaClient } from '../db/generated/client';
import { classifyRow } from '../records/classify';
import type { ActionConfig } from './config';
import type { PreviewItem, ReleasePreview, Skipped } from '../contract/actions';

/**
 * The opaque `seen` of a row: it changes whenever the row is claimed,
 * taken over, completed or failed, since each of those rewrites owner_token
 * or lease_expires_at (and a takeover also claimed_at). Epochs as text keep
 * the microseconds that a JS Date would drop.
 */
const SEEN = (alias: string) => Prisma.raw(`md5(coalesce(${alias}.owner_token, '') || '|'
  || coalesce(extract(epoch FROM ${alias}.lease_expires_at)::text, '') || '|'
  || extract(epoch FROM ${alias}.claimed_at)::text)`);

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

const COLUMNS = Prisma.sql`pm.message_id::text AS id, pm.status::text AS status, pm.consumer, pm.owner_token, pm.claimed_at,
  pm.processed_at, pm.lease_expires_at, pm.expires_at, ${SEEN('pm')} AS seen`;

function toItem(row: Row, config: ActionConfig, now: number): PreviewItem {
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
export async function previewMessages(db: PrismaClient, config: ActionConfig, ids: string[]): Promise<ReleasePreview> {
  const rows = await db.$queryRaw<Row[]>`SELECT ${COLUMNS} FROM processed_messages pm WHERE pm.message_id = ANY(${ids}::uuid[])`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const now = Date.now();
  const wouldRelease: PreviewItem[] = [];
  const skipped: Skipped[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) skipped.push({ key: id, reason: 'missing' });
    else if (row.status !== 'processing') skipped.push({ key: id, reason: 'not-in-flight' });
    else wouldRelease.push(toItem(row, config, now));
  }
  return { dryRun: true, store: 'postgres', count: wouldRelease.length, wouldRelease, skipped, more: false, examined: rows.length, complete: true };
}

/**
 * Rows stuck in flight (lease run out, or older than the stuck threshold) and
 * claimed at least `olderThanSeconds` ago, oldest first, at most the bulk
 * limit. Only rows in status processing are read, through the status index.
 */
export async function previewStuckMessages(db: PrismaClient, config: ActionConfig, olderThanSeconds: number): Promise<ReleasePreview> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT ${COLUMNS} FROM processed_messages pm
    WHERE pm.status = 'processing'
      AND pm.claimed_at <= now() - make_interval(secs => ${olderThanSeconds})
      AND (pm.lease_expires_at <= now() OR pm.claimed_at <= now() - make_interval(secs => ${config.stuckAfterSeconds}))
    ORDER BY pm.claimed_at
    LIMIT ${config.bulkLimit + 1}`;
  const now = Date.now();
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
  db: PrismaClient,
  items: { key: string; seen: string }[],
): Promise<{ released: string[]; skipped: Skipped[] }> {
  if (!items.length) return { released: [], skipped: [] };
  const ids = items.map((i) => i.key);
  const seen = items.map((i) => i.seen);
  const released = await db.$queryRaw<{ id: string }[]>`
    WITH seen AS (
      SELECT * FROM unnest(${ids}::uuid[], ${seen}::text[]) AS s(message_id, token)
    ), released AS (
      DELETE FROM processed_messages pm USING seen s
      WHERE pm.message_id = s.message_id AND pm.status = 'processing' AND ${SEEN('pm')} = s.token
      RETURNING pm.message_id, pm.consumer
    ), counted AS (
      INSERT INTO delivery_stats AS ds (bucket_start, consumer, store, writer, releases)
      SELECT date_trunc('minute', now()), consumer, 'postgres', (pg_backend_pid() % 16)::smallint, count(*)
      FROM released GROUP BY consumer
      ON CONFLICT (bucket_start, consumer, store, writer) DO UPDATE SET releases = ds.releases + EXCLUDED.releases
    )
    SELECT message_id::text AS id FROM released`;
  const done = new Set(released.map((r) => r.id));
  const rest = ids.filter((id) => !done.has(id));
  // Only explains the skips; the decision above was already taken atomically.
  const now = rest.length
    ? await db.$queryRaw<{ id: string; status: string }[]>`
        SELECT message_id::text AS id, status::text AS status FROM processed_messages WHERE message_id = ANY(${rest}::uuid[])`
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

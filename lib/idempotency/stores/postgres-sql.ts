import { partitionedPurgeableCondition, purgeableCondition } from './postgres-expiry';

/**
 * The Postgres store's statements. Each step is one statement, hence one
 * round trip and one commit, with its counters upserted by a data-modifying
 * CTE in the same statement. Claims and completions take arrays, so that the
 * store can send the messages in flight together.
 */

/**
 * Counter rows are spread over writer slots (backend pid modulo 16): a single
 * hot row per minute and consumer would serialise every claim behind the
 * previous one's commit.
 */
const WRITER = `(pg_backend_pid() % 16)::smallint`;

/**
 * Where a store keeps its rows and counters, as SQL identifiers (quoted and
 * schema-qualified where needed). `stats: null` keeps no counters.
 */
export interface StoreTables {
  table: string;
  stats: string | null;
  /**
   * The quoted time column of a table range-partitioned by it, or null. Its
   * primary key is (message_id, that column); every statement then carries
   * the message's time, so that it reaches one partition.
   */
  partitionedBy: string | null;
}

/**
 * A failed row, or one in flight whose owner's lease has run out, may be taken
 * over, but only by the same payload. A row in flight without a lease was not
 * written by the library and has nothing to wait for.
 */
const TAKEOVER = `(pm.status = 'failed'
    OR (pm.status = 'processing' AND (pm.lease_expires_at IS NULL OR pm.lease_expires_at < now())))
  AND (pm.fingerprint IS NULL OR EXCLUDED.fingerprint IS NULL OR pm.fingerprint = EXCLUDED.fingerprint)`;

const takeover = (column: string) => `${column} = CASE WHEN ${TAKEOVER} THEN EXCLUDED.${column} ELSE pm.${column} END`;

/**
 * Claims a batch of distinct message ids, each atomically, in one statement:
 * $1 message_id[], $2 consumer[], $3 owner token[], $4 lease ms[], $5 fingerprint[].
 * Always DO UPDATE: it waits for a concurrent claim of the same id to commit
 * and returns the row as committed, which a DO NOTHING plus SELECT in the same
 * statement could not see. A claim is ours iff the returned owner_token is
 * ours. Rows are locked in message_id order, so that two batches sharing ids
 * cannot deadlock.
 */
/**
 * Whether the claim inserted the row: xmax = 0 on a plain table. A
 * partitioned table cannot return system columns (PostgreSQL 15), so there
 * it is the delivery count, 1 only on insert: a conflict always adds one.
 */
const INSERTED = (t: StoreTables) => (t.partitionedBy ? '(pm.delivery_count = 1)' : '(pm.xmax = 0)');

export const claimSql = (t: StoreTables) => `
WITH input AS MATERIALIZED (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[]${t.partitionedBy ? ', $6::timestamptz[]' : ''})
    AS i(message_id, consumer, owner_token, lease_ms, fingerprint${t.partitionedBy ? ', message_time' : ''})
), claim AS (
  INSERT INTO ${t.table} AS pm
    (message_id, consumer, status, owner_token, claimed_at, last_seen_at, processed_at, lease_expires_at, fingerprint${t.partitionedBy ? `, ${t.partitionedBy}` : ''})
  SELECT message_id, consumer, 'processing', owner_token, now(), now(), now(), now() + lease_ms * interval '1 millisecond', fingerprint${t.partitionedBy ? ', message_time' : ''}
  FROM input ORDER BY message_id
  ON CONFLICT (message_id${t.partitionedBy ? `, ${t.partitionedBy}` : ''}) DO UPDATE SET
    delivery_count = pm.delivery_count + 1,
    last_seen_at = EXCLUDED.last_seen_at,
    ${['status', 'owner_token', 'consumer', 'claimed_at', 'processed_at', 'lease_expires_at', 'fingerprint'].map(takeover).join(',\n    ')}
  RETURNING pm.message_id, pm.status, pm.consumer, pm.owner_token, pm.claimed_at, pm.processed_at,
    pm.lease_expires_at, pm.result, pm.fingerprint, pm.delivery_count, ${INSERTED(t)} AS inserted
)${t.stats === null ? '' : `, counted AS (
  INSERT INTO ${t.stats} AS ds
    (bucket_start, consumer, store, writer, deliveries, first_deliveries, duplicates, in_progress_conflicts)
  SELECT date_trunc('minute', now()), i.consumer, 'postgres', ${WRITER}, count(*),
    count(*) FILTER (WHERE c.inserted), count(*) FILTER (WHERE NOT c.inserted),
    count(*) FILTER (WHERE c.owner_token IS DISTINCT FROM i.owner_token AND c.status = 'processing')
  FROM claim c JOIN input i USING (message_id)
  GROUP BY i.consumer ORDER BY i.consumer
  ON CONFLICT (bucket_start, consumer, store, writer) DO UPDATE SET
    deliveries = ds.deliveries + EXCLUDED.deliveries,
    first_deliveries = ds.first_deliveries + EXCLUDED.first_deliveries,
    duplicates = ds.duplicates + EXCLUDED.duplicates,
    in_progress_conflicts = ds.in_progress_conflicts + EXCLUDED.in_progress_conflicts
)`}
SELECT * FROM claim`;

/**
 * Turns off the wait for the WAL flush at this statement's commit only
 * (set_config with is_local, in a FROM item so that it is evaluated).
 */
const NO_FLUSH_WAIT = `(SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait`;

/**
 * Completes a batch of claims: $1 message_id[], $2 owner token[], $3 result
 * JSON[], $4 retention seconds[] (and $5 message time[] on a partitioned table). Returns the ids still owned, and so
 * completed; a missing id lost its lease.
 */
export const completeSql = (t: StoreTables, durable: boolean) => `
UPDATE ${t.table} AS pm
SET status = 'completed', result = b.result, processed_at = now(), owner_token = NULL,
  lease_expires_at = NULL, expires_at = now() + b.retention * interval '1 second'
FROM (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::int[]${t.partitionedBy ? ', $5::timestamptz[]' : ''})
    AS b(message_id, owner_token, result, retention${t.partitionedBy ? ', message_time' : ''})
  ORDER BY message_id
) AS b${durable ? '' : `, ${NO_FLUSH_WAIT}`}
WHERE pm.message_id = b.message_id AND pm.owner_token = b.owner_token AND pm.status = 'processing'${t.partitionedBy ? `
  AND pm.${t.partitionedBy} = b.message_time` : ''}
RETURNING b.message_id, b.owner_token`;

/**
 * $1 message_id, $2 consumer, $3 owner token (and $4 message time on a partitioned table). Marks our claim failed so that
 * the next delivery takes it over, and counts the failure even when the claim
 * was already lost. $2 is also selected, so that its type is known when there
 * are no counters to insert it into.
 */
export const releaseSql = (t: StoreTables, durable: boolean) => `
WITH released AS (
  UPDATE ${t.table}
  SET status = 'failed', owner_token = NULL, lease_expires_at = NULL, last_seen_at = now()
  ${durable ? '' : `FROM ${NO_FLUSH_WAIT}\n  `}WHERE message_id = $1::uuid AND owner_token = $3 AND status = 'processing'${t.partitionedBy ? ` AND ${t.partitionedBy} = $4::timestamptz` : ''}
  RETURNING message_id
)${t.stats === null ? '' : `, counted AS (
  INSERT INTO ${t.stats} AS ds (bucket_start, consumer, store, writer, failures)
  VALUES (date_trunc('minute', now()), $2, 'postgres', ${WRITER}, 1)
  ON CONFLICT (bucket_start, consumer, store, writer) DO UPDATE SET failures = ds.failures + 1
)`}
SELECT count(*)::int AS released, $2::text AS consumer FROM released`;

export const getSql = (t: StoreTables) => `
SELECT message_id, status, consumer, owner_token, claimed_at, processed_at, lease_expires_at, result, fingerprint, delivery_count
FROM ${t.table} WHERE message_id = $1::uuid`;

/**
 * $1 batch size. Deletes a batch of rows past the expiry rule (postgres-expiry.ts,
 * the dashboard's rule too), a batch at a time to keep locks short. The
 * delete re-checks the rule: in a partitioned table one message_id may have
 * a live row in another partition.
 */
export const purgeSql = (t: StoreTables, retentionHours: number) => {
  const purgeable = t.partitionedBy ? partitionedPurgeableCondition(t.partitionedBy, retentionHours) : purgeableCondition(retentionHours);
  return `
DELETE FROM ${t.table} WHERE message_id IN (
  SELECT message_id FROM ${t.table}
  WHERE ${purgeable}
  LIMIT $1
) AND ${purgeable}`;
};

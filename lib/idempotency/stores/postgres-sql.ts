/**
 * The Postgres store's statements. Each step is one statement, hence one
 * round trip and one commit, with its counters upserted by a data-modifying
 * CTE in the same statement.
 */

/**
 * Counter rows are spread over writer slots (backend pid modulo 16): a single
 * hot row per minute and consumer would serialise every claim behind the
 * previous one's commit.
 */
const STATS_ROW = `date_trunc('minute', now()), $2, 'postgres', (pg_backend_pid() % 16)::smallint`;

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
 * $1 message_id, $2 consumer, $3 owner token, $4 lease ms, $5 fingerprint.
 * Always DO UPDATE: it waits for a concurrent claim of the same id to commit
 * and returns the row as committed, which a DO NOTHING plus SELECT in the same
 * statement could not see. The claim is ours iff the returned owner_token is ours.
 */
export const CLAIM_SQL = `
WITH claim AS (
  INSERT INTO processed_messages AS pm
    (message_id, consumer, status, owner_token, claimed_at, last_seen_at, processed_at, lease_expires_at, fingerprint)
  VALUES ($1::uuid, $2, 'processing', $3, now(), now(), now(), now() + $4::int * interval '1 millisecond', $5)
  ON CONFLICT (message_id) DO UPDATE SET
    delivery_count = pm.delivery_count + 1,
    last_seen_at = EXCLUDED.last_seen_at,
    ${['status', 'owner_token', 'consumer', 'claimed_at', 'processed_at', 'lease_expires_at', 'fingerprint'].map(takeover).join(',\n    ')}
  RETURNING pm.message_id, pm.status, pm.consumer, pm.owner_token, pm.claimed_at, pm.processed_at,
    pm.lease_expires_at, pm.result, pm.fingerprint, pm.delivery_count, (pm.xmax = 0) AS inserted
), counted AS (
  INSERT INTO delivery_stats AS ds
    (bucket_start, consumer, store, writer, deliveries, first_deliveries, duplicates, in_progress_conflicts)
  SELECT ${STATS_ROW}, 1, c.inserted::int, (NOT c.inserted)::int,
    (c.owner_token IS DISTINCT FROM $3 AND c.status = 'processing')::int
  FROM claim c
  ON CONFLICT (bucket_start, consumer, store, writer) DO UPDATE SET
    deliveries = ds.deliveries + 1,
    first_deliveries = ds.first_deliveries + EXCLUDED.first_deliveries,
    duplicates = ds.duplicates + EXCLUDED.duplicates,
    in_progress_conflicts = ds.in_progress_conflicts + EXCLUDED.in_progress_conflicts
)
SELECT * FROM claim`;

/** $1 message_id, $2 owner token, $3 result JSON, $4 retention seconds. No row means the lease was lost. */
export const COMPLETE_SQL = `
UPDATE processed_messages
SET status = 'completed', result = $3::jsonb, processed_at = now(), owner_token = NULL,
  lease_expires_at = NULL, expires_at = now() + $4::int * interval '1 second'
WHERE message_id = $1::uuid AND owner_token = $2 AND status = 'processing'`;

/**
 * $1 message_id, $2 consumer, $3 owner token. Marks our claim failed so that
 * the next delivery takes it over, and counts the failure even when the claim
 * was already lost.
 */
export const RELEASE_SQL = `
WITH released AS (
  UPDATE processed_messages
  SET status = 'failed', owner_token = NULL, lease_expires_at = NULL, last_seen_at = now()
  WHERE message_id = $1::uuid AND owner_token = $3 AND status = 'processing'
  RETURNING message_id
), counted AS (
  INSERT INTO delivery_stats AS ds (bucket_start, consumer, store, writer, failures)
  VALUES (${STATS_ROW}, 1)
  ON CONFLICT (bucket_start, consumer, store, writer) DO UPDATE SET failures = ds.failures + 1
)
SELECT count(*)::int AS released FROM released`;

export const GET_SQL = `
SELECT message_id, status, consumer, owner_token, claimed_at, processed_at, lease_expires_at, result, fingerprint, delivery_count
FROM processed_messages WHERE message_id = $1::uuid`;

/** $1 batch size. Deletes completed rows past their retention, a batch at a time to keep locks short. */
export const PURGE_SQL = `
DELETE FROM processed_messages WHERE message_id IN (
  SELECT message_id FROM processed_messages
  WHERE expires_at < now() AND status = 'completed'
  LIMIT $1
)`;

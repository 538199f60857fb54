import pg from 'pg';
import { migrate } from '../../lib/db/migrate';
import { setupLibraryTables } from '../../lib/db/library-setup';

export interface PostgresDatasetSpec {
  url: string;
  rows: number;
  days: number;
  nowMs: number;
  log: (line: string) => void;
}

export interface PostgresDataset {
  rows: number;
  generatedAtMs: number;
  /** message_ids for lookups. */
  samples: string[];
}

const CHUNK = 1_000_000;

/**
 * Drops a benchmark's database (closing its sessions) through the server's
 * `postgres` database. Only databases named idemscope_bench_*: false, and
 * nothing dropped, for any other name.
 */
export async function dropDatabase(url: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name.startsWith('idemscope_bench_')) return false;
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    return true;
  } finally {
    await admin.end();
  }
}

/**
 * processed_messages rows spread evenly over `days`: 1 % in flight (claimed
 * within the last 10 minutes, half with their 30 s lease run out), 2 %
 * failed, the rest completed with expires_at = processed_at + 72 h (so
 * rows older than 3 days are expired and waiting for a purge); and a week of
 * delivery_stats minute rows over 4 consumers x 4 writer slots. The table is
 * filled without its indexes, which are then rebuilt as the migrations
 * define them: about ten times faster than inserting into indexed tables.
 */
export async function loadPostgresDataset(spec: PostgresDatasetSpec): Promise<PostgresDataset> {
  await migrate(spec.url);
  await setupLibraryTables(spec.url);
  const client = new pg.Client({ connectionString: spec.url });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query('TRUNCATE processed_messages, delivery_stats');
    const { rows: indexes } = await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'processed_messages' AND indexname <> 'processed_messages_pkey'`,
    );
    await client.query('ALTER TABLE processed_messages DROP CONSTRAINT processed_messages_pkey');
    for (const { indexdef } of indexes) await client.query(`DROP INDEX ${/INDEX (\S+) ON/.exec(indexdef)![1]}`);

    const now = new Date(spec.nowMs);
    for (let from = 1; from <= spec.rows; from += CHUNK) {
      const to = Math.min(spec.rows, from + CHUNK - 1);
      const started = Date.now();
      await client.query(
        `INSERT INTO processed_messages (message_id, status, consumer, claimed_at, processed_at, last_seen_at,
           lease_expires_at, expires_at, owner_token, delivery_count, result)
         SELECT gen_random_uuid(), s.status::message_status, 'consumer-' || (i % 4), s.claimed, s.processed, s.processed,
           CASE WHEN s.status = 'processing' THEN s.claimed + interval '30 seconds' END,
           CASE WHEN s.status = 'completed' THEN s.processed + interval '72 hours' END,
           CASE WHEN s.status = 'processing' THEN md5(i::text) END,
           1 + (i % 10 = 0)::int,
           CASE WHEN s.status = 'completed' THEN jsonb_build_object('ok', true, 'order', i, 'email', 'user' || (i % 50000) || '@example.com') END
         FROM generate_series($1::int, $2::int) AS i
         CROSS JOIN LATERAL (
           SELECT t.status, t.processed - interval '40 milliseconds' * (t.status <> 'processing')::int AS claimed, t.processed
           FROM (SELECT CASE WHEN i % 100 = 0 THEN 'processing' WHEN i % 50 = 1 THEN 'failed' ELSE 'completed' END AS status,
                        CASE WHEN i % 100 = 0 THEN $3::timestamptz - interval '1 second' * (i % 600 + random())
                             ELSE $3::timestamptz - interval '1 second' * (random() * $4::float8) END AS processed) t
         ) s`,
        [from, to, now, spec.days * 86_400],
      );
      spec.log(`  rows ${to.toLocaleString('en')} / ${spec.rows.toLocaleString('en')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }

    let started = Date.now();
    await client.query('ALTER TABLE processed_messages ADD CONSTRAINT processed_messages_pkey PRIMARY KEY (message_id)');
    for (const { indexdef } of indexes) await client.query(indexdef);
    spec.log(`  ${indexes.length + 1} indexes rebuilt (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    started = Date.now();
    await client.query(
      `INSERT INTO delivery_stats (bucket_start, consumer, store, writer, deliveries, first_deliveries, duplicates, in_progress_conflicts, failures)
       SELECT m, 'consumer-' || c, 'postgres', w, 150, 143, 7, 1, 2
       FROM generate_series(date_trunc('minute', $1::timestamptz) - $2::int * interval '1 day', date_trunc('minute', $1::timestamptz), interval '1 minute') AS m,
            generate_series(0, 3) AS c, generate_series(0, 3) AS w`,
      [now, spec.days],
    );
    await client.query('VACUUM ANALYZE processed_messages');
    await client.query('VACUUM ANALYZE delivery_stats');
    spec.log(`  delivery_stats filled, tables analysed (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const { rows: samples } = await client.query<{ id: string }>(
      `SELECT message_id::text AS id FROM processed_messages TABLESAMPLE SYSTEM (0.05) REPEATABLE (1) LIMIT 200`,
    );
    return { rows: spec.rows, generatedAtMs: spec.nowMs, samples: samples.map((r) => r.id) };
  } finally {
    await client.end();
  }
}

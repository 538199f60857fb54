import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, MigrationChecksumError, checksum, migrate } from '../../lib/db/migrate';
import { ADMIN_URL, databaseUrl } from '../helpers/postgres';

const LEGACY_MIGRATIONS = path.resolve('tests/fixtures/legacy-migrations');
const databases: string[] = [];

function newDatabase(label: string): string {
  const name = `idemscope_t_migrate_${label}_${process.pid}`;
  databases.push(name);
  return databaseUrl(name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Everything information_schema and the catalog say about a table's shape: columns, indexes, triggers. */
async function shapeOf(url: string, schema: string, table: string) {
  const [columns, indexes, triggers] = await Promise.all([
    query(url, `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, [schema, table]),
    query(url, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`, [schema, table]),
    query(url, `SELECT trigger_name FROM information_schema.triggers WHERE event_object_schema = $1 AND event_object_table = $2`, [schema, table]),
  ]);
  return { columns, indexes, triggers };
}

/** Names of what lives in a schema: relations, functions and types (the array types Postgres adds for tables aside). */
async function objectsIn(url: string, schema: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT 'relation ' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
     UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
     UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'c') AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)`,
    [schema],
  );
  return rows.map((r) => r.name).sort();
}

const RECIPE = `CREATE TABLE processed_messages (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

describe('npm run db:migrate', () => {
  const url = newDatabase('fresh');

  it('creates the database and applies every migration inside its own schema, recording checksums as Prisma does', async () => {
    const first = await migrate(url);
    expect(first.created).toBe(true);
    expect(first.applied.length).toBeGreaterThan(0);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM idemscope."_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(await objectsIn(url, 'public')).toEqual([]);
    expect(await objectsIn(url, 'idemscope')).toEqual(
      expect.arrayContaining(['relation _prisma_migrations', 'relation action_claims', 'relation audit_log', 'relation purge_jobs', 'function purge_window']),
    );
  });

  it('does nothing on a second run', async () => {
    const second = await migrate(url);
    expect(second).toMatchObject({ created: false, applied: [] });
    expect(second.skipped.length).toBeGreaterThan(0);
  });

  it('leaves a team\'s recipe table exactly as it was', async () => {
    const teams = newDatabase('recipe');
    await query(ADMIN_URL, `CREATE DATABASE ${new URL(teams).pathname.slice(1)}`);
    await query(teams, RECIPE);
    await query(teams, `INSERT INTO processed_messages (message_id) SELECT gen_random_uuid() FROM generate_series(1, 10)`);
    const before = await shapeOf(teams, 'public', 'processed_messages');
    const publicBefore = await objectsIn(teams, 'public');

    await migrate(teams);

    expect(await shapeOf(teams, 'public', 'processed_messages')).toEqual(before);
    expect(await objectsIn(teams, 'public')).toEqual(publicBefore);
    expect(await query(teams, 'SELECT count(*)::int AS n FROM processed_messages')).toEqual([{ n: 10 }]);
  });

  it('migrates into the schema IDEMSCOPE_SCHEMA names', async () => {
    const other = newDatabase('named');
    await migrate(other, { schema: 'observability' });
    expect(await objectsIn(other, 'observability')).toContain('relation audit_log');
    expect(await objectsIn(other, 'idemscope')).toEqual([]);
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idemscope-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const [applied] = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM idemscope."_prisma_migrations" LIMIT 1');
    const edited = path.join(dir, applied!.migration_name, 'migration.sql');
    await writeFile(edited, '-- edited after the fact\nSELECT 1;\n', { flag: 'a' });
    await expect(migrate(url, { dir })).rejects.toBeInstanceOf(MigrationChecksumError);
  });

  it('computes the SHA-256 checksum of the file bytes', () => {
    // The value `printf 'SELECT 1;\n' | sha256sum` prints.
    expect(checksum('SELECT 1;\n')).toBe('b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd');
  });
});

describe('a database migrated by an earlier version', () => {
  const url = newDatabase('legacy');

  it('moves the audit log and purge jobs into the own schema with their history, and leaves the dedup table alone', async () => {
    // The earlier versions' migrations, applied as their runner did: into public.
    await migrate(url, { schema: 'public', dir: LEGACY_MIGRATIONS });
    await query(
      url,
      `INSERT INTO audit_log (actor, role, action, outcome, parameters, at) VALUES
         ('operator#old00001', 'operator', 'keys.release', 'ok', '{"n":1}', now() - interval '30 days'),
         ('operator#old00002', 'operator', 'purge.postgres', 'started', '{}', now() - interval '2 days'),
         ('viewer#old00003', 'viewer', 'keys.release', 'refused', '{}', now() - interval '1 day')`,
    );
    await query(url, `INSERT INTO purge_jobs (id, status, actor, batch_size, purged) VALUES (gen_random_uuid(), 'completed', 'operator#old00002', 1000, 42)`);
    await query(url, `INSERT INTO processed_messages (message_id, consumer) SELECT gen_random_uuid(), 'billing' FROM generate_series(1, 5)`);
    const auditBefore = await query(url, 'SELECT id, at, actor, action, outcome, parameters FROM audit_log ORDER BY id');
    const dedupBefore = await shapeOf(url, 'public', 'processed_messages');

    const result = await migrate(url);
    expect(result.applied).toEqual(['20261206000000_own_schema', '20261206010000_audit_intent', '20261206020000_dashboard_sessions', '20261206030000_purge_partitions']);

    expect(await query(url, 'SELECT id, at, actor, action, outcome, parameters FROM idemscope.audit_log ORDER BY id')).toEqual(auditBefore);
    expect(await query(url, 'SELECT actor, purged, target_table FROM idemscope.purge_jobs')).toEqual([
      { actor: 'operator#old00002', purged: '42', target_table: 'public.processed_messages' },
    ]);
    expect(await query(url, `SELECT to_regclass('public.audit_log') AS audit, to_regclass('public.purge_jobs') AS jobs`)).toEqual([{ audit: null, jobs: null }]);
    expect((await objectsIn(url, 'public')).filter((o) => o.startsWith('function '))).toEqual([]);
    expect(await shapeOf(url, 'public', 'processed_messages')).toEqual(dedupBefore);

    // Still append-only, and new entries carry on the same id sequence.
    await expect(query(url, `UPDATE idemscope.audit_log SET actor = 'someone'`)).rejects.toThrow(/append-only/);
    const [next] = await query<{ id: string }>(url, `INSERT INTO idemscope.audit_log (actor, role, action, outcome) VALUES ('operator#new', 'operator', 'x', 'ok') RETURNING id`);
    expect(Number(next!.id)).toBeGreaterThan(Math.max(...auditBefore.map((r) => Number(r.id))));

    expect(await migrate(url)).toMatchObject({ applied: [] });
  });
});

describe('a database migrated by an earlier version that allowed more audit outcomes', () => {
  const url = newDatabase('legacy_wider');

  it('keeps a wider outcome constraint, and the entries it allowed', async () => {
    await migrate(url, { schema: 'public', dir: LEGACY_MIGRATIONS });
    await query(url, `ALTER TABLE audit_log DROP CONSTRAINT audit_log_outcome_check`);
    await query(url, `ALTER TABLE audit_log ADD CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('ok', 'error', 'started', 'refused', 'intent'))`);
    await query(url, `INSERT INTO audit_log (actor, role, action, outcome) VALUES ('operator#a', 'operator', 'keys.release', 'intent')`);
    await migrate(url);
    expect(await query(url, `SELECT outcome FROM idemscope.audit_log`)).toEqual([{ outcome: 'intent' }]);
  });
});

import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, MigrationChecksumError, checksum, migrate } from '../../lib/db/migrate';
import { ADMIN_URL, databaseUrl } from '../helpers/postgres';

const name = `idemscope_t_migrate_${process.pid}`;
const url = databaseUrl(name);

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

describe('npm run db:migrate', () => {
  it('creates the database, applies every migration, and records checksums as Prisma does', async () => {
    const first = await migrate(url);
    expect(first.created).toBe(true);
    expect(first.applied.length).toBeGreaterThan(0);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('does nothing on a second run', async () => {
    const second = await migrate(url);
    expect(second).toMatchObject({ created: false, applied: [] });
    expect(second.skipped.length).toBeGreaterThan(0);
  });

  it('keeps the common recipe statement working unchanged', async () => {
    const id = '6f1c2b1e-6c1a-4a4e-9f44-0a8b4c1d2e3f';
    const statement = `INSERT INTO processed_messages (message_id, result) VALUES ('${id}'::UUID, '{"status": "shipped"}'::JSONB) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`;
    expect(await query(statement)).toEqual([{ message_id: id }]);
    expect(await query(statement)).toEqual([]);
    const [row] = await query<{ status: string; result: unknown; delivery_count: number }>(
      'SELECT status, result, delivery_count FROM processed_messages WHERE message_id = $1',
      [id],
    );
    expect(row).toEqual({ status: 'completed', result: { status: 'shipped' }, delivery_count: 1 });
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idemscope-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const [applied] = await query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" LIMIT 1');
    const edited = path.join(dir, applied!.migration_name, 'migration.sql');
    await writeFile(edited, '-- edited after the fact\nSELECT 1;\n', { flag: 'a' });
    await expect(migrate(url, dir)).rejects.toBeInstanceOf(MigrationChecksumError);
  });

  it('computes the SHA-256 checksum of the file bytes', () => {
    // The value `printf 'SELECT 1;\n' | sha256sum` prints.
    expect(checksum('SELECT 1;\n')).toBe('b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd');
  });
});

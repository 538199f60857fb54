import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** A migration that was applied and whose file has changed since. */
export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
  constructor(readonly migration: string) {
    super(`Migration ${migration} was changed after it was applied; restore the original file and add a new migration instead.`);
  }
}

export interface MigrationResult {
  created: boolean;
  applied: string[];
  skipped: string[];
}

// Prisma's own lock id, so that this runner and `prisma migrate deploy` never run at once.
const ADVISORY_LOCK = 72707369;

const PRISMA_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export const MIGRATIONS_DIR = path.resolve(process.cwd(), 'prisma/migrations');

/** Prisma's checksum: the SHA-256 of the file's bytes, hex-encoded. */
export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } catch (error) {
      // Another runner created it between our check and our CREATE.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  } finally {
    await admin.end();
  }
}

async function readMigrations(dir: string): Promise<{ name: string; sql: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(path.join(dir, name, 'migration.sql'), 'utf8') })));
}

export interface MigrateOptions {
  /** Idemscope's own schema (IDEMSCOPE_SCHEMA); the only one the migrations write to. Default `idemscope`. */
  schema?: string;
  dir?: string;
}

/**
 * Applies prisma/migrations the way `prisma migrate deploy` with
 * `?schema=<schema>` would: with search_path set to Idemscope's own schema
 * alone (created if missing), recording each migration in that schema's
 * `_prisma_migrations` with its checksum, without needing Prisma's schema
 * engine binary. Idempotent; refuses edited migrations.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrationResult> {
  const schema = options.schema ?? 'idemscope';
  const dir = options.dir ?? MIGRATIONS_DIR;
  const created = await ensureDatabase(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const result: MigrationResult = { created, applied: [], skipped: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
    await client.query(PRISMA_TABLE);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    for (const { name, sql } of await readMigrations(dir)) {
      const sum = checksum(sql);
      const previous = applied.get(name);
      if (previous !== undefined) {
        if (previous !== sum) throw new MigrationChecksumError(name);
        result.skipped.push(name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), sum, name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      result.applied.push(name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
  return result;
}

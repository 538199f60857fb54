import { randomBytes } from 'node:crypto';
import pg from 'pg';

const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
/**
 * Overridable so that two checkouts on one machine can run their suites side
 * by side; each Stryker worker (STRYKER_MUTATOR_WORKER) migrates its own, since
 * every run's global setup drops and re-creates its template.
 */
const worker = process.env.STRYKER_MUTATOR_WORKER;
export const TEMPLATE_DB = `${process.env.IDEMSCOPE_TEST_TEMPLATE ?? 'idemscope_test_template'}${worker === undefined ? '' : `_w${worker}`}`;
export const ADMIN_URL = databaseUrl('postgres');

export function databaseUrl(name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A freshly migrated database of this test file's own, cloned from the template. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `idemscope_t_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(name),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        // pg's pool.end() resolves before its connections have closed; FORCE-terminating one
        // of those makes its client emit an error nobody listens to any more, failing the run.
        const deadline = Date.now() + 1000;
        while (Date.now() < deadline) {
          const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../lib/db/prisma';
import { StorePrivilegeError } from '../../lib/errors';
import { PostgresStore } from '../../lib/idempotency';
import { postgresDedupStore } from '../../lib/stores/postgres/dedup-store';
import { actionFixture, type ActionFixture } from '../actions/setup';

/**
 * A dashboard given what production teams give it: read on the watched table,
 * everything on its own schema. Every read works; a release or purge is
 * refused up front, naming the missing privilege, and changes nothing.
 */
const role = `idemscope_ro_${randomBytes(3).toString('hex')}`;
let fixture: ActionFixture;
let admin: pg.Pool;
let readOnly: ReturnType<typeof createPrismaClient>;

beforeAll(async () => {
  fixture = await actionFixture('least_privilege');
  admin = new pg.Pool({ connectionString: fixture.database.url, max: 2 });
  for (const statement of [
    `CREATE ROLE ${role} LOGIN`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT USAGE ON SCHEMA idemscope TO ${role}`,
    `GRANT ALL ON ALL TABLES IN SCHEMA idemscope TO ${role}`,
    `GRANT ALL ON ALL SEQUENCES IN SCHEMA idemscope TO ${role}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA idemscope TO ${role}`,
  ]) {
    await admin.query(statement);
  }
  const url = new URL(fixture.database.url);
  url.username = role;
  readOnly = createPrismaClient(url.toString(), 2);
});

afterAll(async () => {
  await readOnly.$disconnect();
  await admin.query(`DROP OWNED BY ${role}`);
  await admin.end();
  await fixture.close();
  const cleanup = new pg.Client({ connectionString: fixture.database.url.replace(/\/[^/]*$/, '/postgres') });
  await cleanup.connect();
  await cleanup.query(`DROP ROLE IF EXISTS ${role}`);
  await cleanup.end();
});

async function stuckRow(): Promise<string> {
  const id = randomUUID();
  const library = new PostgresStore(admin);
  await library.claim({ key: id, consumer: 'billing', owner: randomUUID(), leaseMs: 1 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  return id;
}

const rowExists = async (id: string) => (await admin.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [id])).rowCount === 1;

describe('a dashboard role that may only read the watched table', () => {
  it('previews, then refuses the release naming each missing privilege, and changes nothing', async () => {
    const store = postgresDedupStore(readOnly, fixture.config);
    const id = await stuckRow();
    const preview = await store.previewRelease({ keys: [id] });
    expect(preview.wouldRelease.map((i) => i.key)).toEqual([id]);

    const refused = await store.release(preview.wouldRelease).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StorePrivilegeError);
    expect((refused as StorePrivilegeError).status).toBe(403);
    expect((refused as StorePrivilegeError).missing).toEqual([
      'DELETE on public.processed_messages',
      'INSERT on public.delivery_stats',
      'UPDATE on public.delivery_stats',
    ]);
    expect(await rowExists(id)).toBe(true);
  });

  it('counts a purge, then refuses to start it, with no job left behind', async () => {
    const store = postgresDedupStore(readOnly, fixture.config);
    expect(await store.previewPurge()).toMatchObject({ dryRun: true, store: 'postgres' });
    const plan = store.planPurge({ reason: 'retention' }, { actor: 'operator#test', jobHooks: {} });
    await expect(plan.execute(randomUUID())).rejects.toMatchObject({ name: 'StorePrivilegeError', missing: ['DELETE on public.processed_messages'] });
    expect((await admin.query('SELECT count(*)::int AS n FROM idemscope.purge_jobs')).rows[0].n).toBe(0);
  });

  it('releases once the operator grants what the message named', async () => {
    await admin.query(`GRANT DELETE ON processed_messages TO ${role}`);
    await admin.query(`GRANT INSERT, UPDATE ON delivery_stats TO ${role}`);
    const store = postgresDedupStore(readOnly, fixture.config);
    const id = await stuckRow();
    const preview = await store.previewRelease({ keys: [id] });
    expect((await store.release(preview.wouldRelease)).released).toEqual([id]);
    expect(await rowExists(id)).toBe(false);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeAction } from '../../lib/actions/purge-action';
import { releaseAction } from '../../lib/actions/release-action';
import { purgeBody, releaseBody } from '../../lib/actions/schemas';
import { parseEnv } from '../../lib/config/env';
import type { PostgresPurgePreview, PostgresPurgeStarted } from '../../lib/contract/actions';
import { createDashboard } from '../../lib/dashboard/context';
import type { DashboardDeps } from '../../lib/dashboard/deps';
import { getHealth } from '../../lib/dashboard/health';
import { listMessages, requireMessageDetail } from '../../lib/dashboard/messages';
import { getOverview } from '../../lib/dashboard/overview';
import { purgeRunSettled } from '../../lib/stores/postgres/purge-jobs';
import { customRules } from '../../lib/stores/postgres/rules';
import { actionFixture, operator, withSettings, type ActionFixture } from '../actions/setup';
import { testConfig } from '../dashboard/helpers/dataset';

/**
 * An in-house table watched as `custom`, configured as an operator would
 * (IDEMSCOPE_TABLES and IDEMSCOPE_CUSTOM_COLUMNS through parseEnv): counted
 * by state, listed, released and purged through its mapping, and never
 * altered; a mapping that names a column the table lacks is reported, not
 * failed on.
 */
const ENV = {
  IDEMSCOPE_TABLES: 'ops.inbox=custom',
  IDEMSCOPE_CUSTOM_COLUMNS:
    'ops.inbox:id=msg_id;processed=handled_at;claimed=claimed_at;result=outcome;status=state;lease=locked_until;consumer=handler;status_values=processing:in_progress|completed:done|failed:error',
};
const TABLES = parseEnv(ENV).IDEMSCOPE_TABLES;
const INBOX = `CREATE SCHEMA ops; CREATE TABLE ops.inbox (msg_id uuid PRIMARY KEY, handler text, state text NOT NULL, claimed_at timestamptz NOT NULL,
  handled_at timestamptz, locked_until timestamptz, outcome jsonb)`;

/** Rows by number (id md5(n)::uuid): state, claim and result times and lease as SQL relative to now(). */
const ROWS: [number, string, string, string | null, string | null][] = [
  [1, 'done', "now() - interval '1 hour'", "now() - interval '1 hour'", null],
  [2, 'done', "now() - interval '2 hours'", "now() - interval '2 hours'", null],
  [3, 'done', "now() - interval '3 hours'", "now() - interval '3 hours'", null],
  [4, 'done', "now() - interval '100 hours'", "now() - interval '100 hours'", null],
  [5, 'done', "now() - interval '101 hours'", "now() - interval '101 hours'", null],
  [6, 'error', "now() - interval '1 hour'", "now() - interval '1 hour'", null],
  [7, 'error', "now() - interval '100 hours'", "now() - interval '100 hours'", null],
  [8, 'in_progress', "now() - interval '1 minute'", null, "now() + interval '10 minutes'"],
  [9, 'in_progress', "now() - interval '1 minute'", null, "now() + interval '10 minutes'"],
  [10, 'in_progress', "now() - interval '2 minutes'", null, "now() - interval '1 minute'"],
  [11, 'in_progress', "now() - interval '3 minutes'", null, "now() - interval '2 minutes'"],
  [12, 'in_progress', "now() - interval '1 hour'", null, null],
  [13, 'parked', "now() - interval '1 hour'", "now() - interval '1 hour'", null],
];
const EXPIRED = [4, 5, 7];

let fixture: ActionFixture;
let client: pg.Client;
let deps: DashboardDeps;
let ids: Map<number, string>;
let shapeBefore: unknown;

async function shape() {
  const columns = await client.query(
    `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'ops' AND table_name = 'inbox' ORDER BY ordinal_position`,
  );
  const indexes = await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'ops' ORDER BY 1`);
  const objects = await client.query(`SELECT relname FROM pg_class WHERE relnamespace = 'ops'::regnamespace UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'ops'::regnamespace ORDER BY 1`);
  const triggers = await client.query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'ops.inbox'::regclass`);
  return { columns: columns.rows, indexes: indexes.rows, objects: objects.rows, triggers: triggers.rows };
}

beforeAll(async () => {
  fixture = await actionFixture('custom_attach', { tables: TABLES });
  client = new pg.Client({ connectionString: fixture.database.url });
  await client.connect();
  await client.query(INBOX);
  for (const [n, state, claimed, handled, lease] of ROWS) {
    await client.query(
      `INSERT INTO ops.inbox (msg_id, handler, state, claimed_at, handled_at, locked_until, outcome)
       VALUES (md5($1::text)::uuid, 'billing', $2, ${claimed}, ${handled ?? 'NULL'}, ${lease ?? 'NULL'}, jsonb_build_object('n', $1::int))`,
      [n, state],
    );
  }
  const { rows } = await client.query<{ n: number; id: string }>('SELECT n, md5(n::text)::uuid::text AS id FROM generate_series(1, 20) n');
  ids = new Map(rows.map((r) => [r.n, r.id]));
  shapeBefore = await shape();
  deps = createDashboard({ config: testConfig(fixture.prefix, { tables: TABLES }), redis: fixture.redis, db: fixture.db });
});

afterAll(async () => {
  await deps?.scanner.stop();
  await client?.end();
  await fixture?.close();
});

const id = (n: number) => ids.get(n)!;

describe('an in-house table watched through its column mapping', () => {
  it('is counted exactly by state on the overview, as the custom profile; an unknown status counts in no state', async () => {
    const { postgres } = await getOverview(deps, { fresh: false });
    expect(postgres.unfit).toEqual([]);
    expect(postgres.tables).toEqual([
      { table: 'ops.inbox', profile: 'custom', rows: 13, processing: 2, stuck: 3, completed: 3, failed: 1, expired: 3, estimated: false, timeIndexed: false },
    ]);
  });

  it('lists each state through the mapping, and shows a record with its result; an unknown status is unrecognized', async () => {
    const listed = async (state: Parameters<typeof listMessages>[1]['state']) => (await listMessages(deps, { state, limit: 50 })).items.map((i) => i.messageId).sort();
    expect(await listed('stuck')).toEqual([10, 11, 12].map(id).sort());
    expect(await listed('processing')).toEqual([8, 9].map(id).sort());
    expect(await listed('expired')).toEqual(EXPIRED.map(id).sort());
    expect(await listed('unrecognized')).toEqual([id(13)]);
    const all = await listMessages(deps, { limit: 50 });
    expect(all.items).toHaveLength(13);
    expect(all.items.find((i) => i.messageId === id(13))).toMatchObject({ state: 'unrecognized', status: 'unknown', table: 'ops.inbox' });
    // Pages of two along the id: every row once, whatever the page size.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMessages(deps, { limit: 2, cursor });
      paged.push(...page.items.map((i) => i.messageId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged.sort()).toEqual(ROWS.map(([n]) => id(n)).sort());
    expect((await listMessages(deps, { consumer: 'billing', limit: 50 })).items).toHaveLength(13);
    expect((await listMessages(deps, { consumer: 'shipping', limit: 50 })).items).toEqual([]);
    const prefix = id(12).slice(0, 6);
    const found = (await listMessages(deps, { search: { text: prefix, mode: 'prefix' }, limit: 50 })).items.map((i) => i.messageId);
    expect(found).toContain(id(12));
    expect(found.every((f) => f.startsWith(prefix))).toBe(true);
    expect(await requireMessageDetail(deps, id(1))).toMatchObject({ table: 'ops.inbox', state: 'completed', status: 'completed', consumer: 'billing', result: { n: 1 } });
    expect(await requireMessageDetail(deps, id(11))).toMatchObject({ state: 'stuck', status: 'processing' });
  });

  it('reports a mapping that names columns the table lacks (or of the wrong type) on the overview and health, never as a failure', async () => {
    const broken = parseEnv({
      IDEMSCOPE_TABLES: 'ops.inbox=custom,ops.missing=custom',
      IDEMSCOPE_CUSTOM_COLUMNS: 'ops.inbox:id=msg_id;processed=handled_on;status=state;lease=handler, ops.missing:id=id;processed=at',
    }).IDEMSCOPE_TABLES;
    const both = createDashboard({ config: testConfig(fixture.prefix, { tables: broken }), redis: fixture.redis, db: fixture.db });
    try {
      const { postgres } = await getOverview(both, { fresh: false });
      expect(postgres.reachable).toBe(true);
      expect(postgres.unfit).toEqual([
        {
          name: 'ops.inbox',
          profile: 'custom',
          problem: 'fits no profile: custom needs handled_on (timestamp with time zone, for processed), handler (timestamp with time zone, for lease)',
          missing: { custom: ['handled_on (timestamp with time zone, for processed)', 'handler (timestamp with time zone, for lease)'] },
        },
        expect.objectContaining({ name: 'ops.missing', problem: expect.stringMatching(/not found/) }),
      ]);
      const health = await getHealth(both);
      expect(health.postgres).toMatchObject({ reachable: true, unfit: [expect.objectContaining({ name: 'ops.inbox' }), expect.objectContaining({ name: 'ops.missing' })] });
    } finally {
      await both.scanner.stop();
    }
  });

  it('releases a stuck row only as previewed, by deleting it, and never a finished row, even with its current token', async () => {
    const preview = await releaseAction(fixture, 'postgres', operator, releaseBody.parse({ keys: [id(10), id(11), id(1)], dryRun: true }));
    if (!preview.dryRun) throw new Error('expected a preview');
    expect(preview.preview.wouldRelease.map((i) => [i.key, i.state.state, i.state.consumer])).toEqual([
      [id(10), 'stuck', 'billing'],
      [id(11), 'stuck', 'billing'],
    ]);
    expect(preview.preview.skipped).toEqual([{ key: id(1), reason: 'not-in-flight' }]);
    // Row 11's service renews its lease after the preview: it must survive.
    await client.query(`UPDATE ops.inbox SET locked_until = now() + interval '5 minutes' WHERE msg_id = $1`, [id(11)]);
    const token = customRules(TABLES[0]!.columns!).seenToken('k').build().text;
    const { rows } = await client.query<{ seen: string }>(`SELECT ${token} AS seen FROM ops.inbox k WHERE msg_id = $1`, [id(1)]);
    const items = [...preview.preview.wouldRelease.map(({ key, seen }) => ({ key, seen })), { key: id(1), seen: rows[0]!.seen }];
    const done = await releaseAction(fixture, 'postgres', operator, releaseBody.parse({ keys: items, reason: 'reprocess' }));
    if (done.dryRun) throw new Error('expected a release');
    expect(done.body.released).toEqual([id(10)]);
    expect(done.body.skipped).toEqual([
      { key: id(11), reason: 'changed' },
      { key: id(1), reason: 'not-in-flight' },
    ]);
    const left = await client.query(`SELECT msg_id::text AS id FROM ops.inbox WHERE msg_id = ANY($1::uuid[]) ORDER BY 1`, [[id(10), id(11), id(1)]]);
    expect(left.rows.map((r) => r.id)).toEqual([id(11), id(1)].sort());
  });

  it('dry-runs the purge with the exact expired count on a table without a time index, then purges exactly those rows', async () => {
    const preview = await purgeAction(fixture, operator, purgeBody.parse({ store: 'postgres', dryRun: true }));
    if (!preview.dryRun) throw new Error('expected a preview');
    expect(preview.preview as PostgresPurgePreview).toMatchObject({ table: 'ops.inbox', wouldPurge: EXPIRED.length, estimated: false, timeIndexed: false });
    const started = await purgeAction(fixture, operator, purgeBody.parse({ store: 'postgres', reason: 'retention' }));
    if (started.dryRun) throw new Error('expected a job');
    const job = (started.body as PostgresPurgeStarted).job;
    expect(job.table).toBe('ops.inbox');
    await purgeRunSettled(job.jobId);
    const { rows } = await client.query<{ id: string }>('SELECT msg_id::text AS id FROM ops.inbox ORDER BY 1');
    const kept = ROWS.map(([n]) => n).filter((n) => !EXPIRED.includes(n) && n !== 10);
    expect(rows.map((r) => r.id)).toEqual(kept.map(id).sort());
  });

  it('leaves the table exactly as it was, holding no row of ours', async () => {
    expect(await shape()).toEqual(shapeBefore);
    const { rows } = await client.query(`SELECT count(*)::int AS foreign FROM ops.inbox WHERE msg_id <> ALL($1::uuid[])`, [[...ids.values()]]);
    expect(rows[0].foreign).toBe(0);
  });
});

describe('an in-house table of integer ids and times only', () => {
  const tables = parseEnv({ IDEMSCOPE_TABLES: 'ledger.seen=custom', IDEMSCOPE_CUSTOM_COLUMNS: 'ledger.seen:id=event_id;processed=seen_at;result=note' }).IDEMSCOPE_TABLES;
  let plain: DashboardDeps;
  let actions: ActionFixture;

  beforeAll(async () => {
    await client.query('CREATE SCHEMA ledger; CREATE TABLE ledger.seen (event_id bigint PRIMARY KEY, seen_at timestamptz NOT NULL, note text)');
    await client.query(
      `INSERT INTO ledger.seen SELECT n, now() - CASE WHEN n > 3 THEN interval '100 hours' ELSE interval '1 hour' END, 'n' || n FROM generate_series(1, 5) n`,
    );
    plain = createDashboard({ config: testConfig(fixture.prefix, { tables }), redis: fixture.redis, db: fixture.db });
    actions = withSettings(fixture, { tables });
  });
  afterAll(() => plain?.scanner.stop());

  it('is counted, paged by its integer id and shown with its text result', async () => {
    const { postgres } = await getOverview(plain, { fresh: false });
    expect(postgres.tables).toEqual([{ table: 'ledger.seen', profile: 'custom', rows: 5, processing: 0, stuck: 0, completed: 3, failed: 0, expired: 2, estimated: false, timeIndexed: false }]);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMessages(plain, { limit: 2, cursor });
      paged.push(...page.items.map((i) => i.messageId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(['5', '4', '3', '2', '1']);
    expect(await requireMessageDetail(plain, '3')).toMatchObject({ table: 'ledger.seen', state: 'completed', result: 'n3' });
    expect(await requireMessageDetail(plain, '5')).toMatchObject({ state: 'expired' });
  });

  it('releases any row (none is ever in flight) by deleting it, and reports a key it does not hold as missing', async () => {
    const preview = await releaseAction(actions, 'postgres', operator, releaseBody.parse({ keys: ['1', '99'], dryRun: true }));
    if (!preview.dryRun) throw new Error('expected a preview');
    expect(preview.preview.wouldRelease.map((i) => [i.key, i.state.state])).toEqual([['1', 'completed']]);
    expect(preview.preview.skipped).toEqual([{ key: '99', reason: 'missing' }]);
    const done = await releaseAction(actions, 'postgres', operator, releaseBody.parse({ keys: preview.preview.wouldRelease.map(({ key, seen }) => ({ key, seen })), reason: 'replay' }));
    if (done.dryRun) throw new Error('expected a release');
    expect(done.body.released).toEqual(['1']);
    const { rows } = await client.query('SELECT event_id::text AS id FROM ledger.seen ORDER BY event_id');
    expect(rows.map((r) => r.id)).toEqual(['2', '3', '4', '5']);
  });
});

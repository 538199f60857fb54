import pg from 'pg';
import type { ListRowsQuery } from '../../lib/stores/postgres/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAction } from '../../lib/actions/release-action';
import { releaseBody } from '../../lib/actions/schemas';
import { classifyStripeKeyRow } from '../../lib/records/classify';
import { RECORD_STATES } from '../../lib/records/states';
import { PostgresTables } from '../../lib/stores/postgres/adapters';
import { rowClock, stripeKeyRules } from '../../lib/stores/postgres/rules';
import { sql } from '../../lib/stores/postgres/sql';
import { actionFixture, operator, type ActionFixture } from '../actions/setup';

/** brandur.org, "Implementing Stripe-like Idempotency Keys in Postgres": the table as that article writes it. */
const DDL = `
CREATE TABLE idempotency_keys (
    id              BIGSERIAL   PRIMARY KEY,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    idempotency_key TEXT        NOT NULL CHECK (char_length(idempotency_key) <= 100),
    last_run_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_at       TIMESTAMPTZ DEFAULT now(),
    request_method  TEXT        NOT NULL CHECK (char_length(request_method) <= 10),
    request_params  JSONB       NOT NULL,
    request_path    TEXT        NOT NULL CHECK (char_length(request_path) <= 100),
    response_code   INT         NULL,
    response_body   JSONB       NULL,
    recovery_point  TEXT        NOT NULL CHECK (char_length(recovery_point) <= 50),
    user_id         BIGINT      NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_user_id_idempotency_key ON idempotency_keys (user_id, idempotency_key);`;

const config = { stuckAfterSeconds: 300, retentionHours: 72 };
let f: ActionFixture;
let client: pg.Client;

async function key(name: string, lockedAgo: string | null, recoveryPoint: string, createdAgo = '1 minute'): Promise<string> {
  const { rows } = await client.query(
    `INSERT INTO idempotency_keys (idempotency_key, created_at, locked_at, request_method, request_params, request_path, recovery_point, user_id)
     VALUES ($1, now() - $4::interval, now() - $2::interval, 'POST', '{}', '/charges', $3, 1) RETURNING id::text`,
    [name, lockedAgo, recoveryPoint, createdAgo],
  );
  return rows[0].id;
}

beforeAll(async () => {
  f = await actionFixture('stripe_keys', { tables: [{ schema: 'public', table: 'idempotency_keys' }] });
  client = new pg.Client({ connectionString: f.database.url });
  await client.connect();
  await client.query(DDL);
});
afterAll(async () => {
  await client.end();
  await f.close();
});

describe('a stripe-keys table written by its own SQL', () => {
  it('is detected as stripe-keys, and shows in-flight, stuck, finished, failed and expired keys', async () => {
    await key('fresh', '10 seconds', 'started');
    await key('stuck', '1 hour', 'ride_created');
    await key('done', null, 'finished');
    await key('errored', null, 'charge_created');
    await key('old', null, 'finished', '100 hours');
    const tables = new PostgresTables(f.db, f.config.tables);
    expect((await tables.resolve()).watched.map((w) => [w.name, w.profile])).toEqual([['public.idempotency_keys', 'stripe-keys']]);
    const [adapter] = await tables.adapters({ ...f.config }, Date.now);
    const counts = await adapter!.counts(rowClock(Date.now(), 300, 72), { exact: 1000, inFlight: 1000 });
    expect(Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v.value]))).toEqual({ rows: 5, processing: 1, stuck: 1, completed: 1, failed: 1, expired: 1 });

    // A window on created_at, and a search on the id's digits, both checked on the bounded walk by id.
    const nowMs = Date.now();
    const list = (q: Partial<ListRowsQuery>) =>
      adapter!.list({ after: null, limit: 50, window: 100, clock: rowClock(nowMs, 300, 72), ...q }).then((p) => p.rows.map((r) => r.consumer));
    expect(await list({ between: { toMs: nowMs - 50 * 3_600_000, on: 'recorded' } })).toEqual(['old']);
    expect((await list({ between: { fromMs: nowMs - 50 * 3_600_000, on: 'recorded' } })).sort()).toEqual(['done', 'errored', 'fresh', 'stuck']);
    const oldId = (await client.query(`SELECT id::text AS id FROM idempotency_keys WHERE idempotency_key = 'old'`)).rows[0].id as string;
    expect(await list({ search: { text: oldId, mode: 'substring' } })).toContain('old');
    expect(await list({ search: { text: 'x', mode: 'prefix' } })).toEqual([]);
  });

  it('releases a stuck key by clearing locked_at of exactly that key, never deleting it, only as previewed', async () => {
    const stuck = await key('stuck-2', '2 hours', 'ride_created');
    const other = await key('stuck-3', '2 hours', 'ride_created');
    const before = (await client.query(`SELECT id::text, locked_at FROM idempotency_keys ORDER BY id`)).rows;
    const preview = await releaseAction(f, 'postgres', operator, releaseBody.parse({ keys: [stuck], dryRun: true }));
    if (!preview.dryRun) throw new Error('expected a preview');
    expect(preview.preview.wouldRelease.map((i) => [i.key, i.state.state])).toEqual([[stuck, 'stuck']]);
    const done = await releaseAction(f, 'postgres', operator, releaseBody.parse({ keys: preview.preview.wouldRelease.map(({ key: k, seen }) => ({ key: k, seen })) }));
    if (done.dryRun) throw new Error('expected a release');
    expect(done.body.released).toEqual([stuck]);
    const after = (await client.query(`SELECT id::text, locked_at FROM idempotency_keys ORDER BY id`)).rows;
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    for (const row of after) {
      if (row.id === stuck) expect(row.locked_at).toBeNull();
      else expect(row.locked_at).toEqual(before.find((b) => b.id === row.id)!.locked_at);
    }
    // A key relocked (retried) after the preview is left alone.
    const p2 = await releaseAction(f, 'postgres', operator, releaseBody.parse({ keys: [other], dryRun: true }));
    if (!p2.dryRun) throw new Error('expected a preview');
    await client.query(`UPDATE idempotency_keys SET locked_at = now(), last_run_at = now() WHERE id = $1`, [other]);
    const r2 = await releaseAction(f, 'postgres', operator, releaseBody.parse({ keys: p2.preview.wouldRelease.map(({ key: k, seen }) => ({ key: k, seen })) }));
    if (r2.dryRun) throw new Error('expected a release');
    expect(r2.body.skipped).toEqual([{ key: other, reason: 'changed' }]);
  });

  it('puts every key in the same state in TypeScript and in SQL, and purges by the same rule', async () => {
    const nowMs = Date.now();
    const { rows } = await client.query(`SELECT id::text AS id, created_at AS "createdAt", locked_at AS "lockedAt", recovery_point AS "recoveryPoint" FROM idempotency_keys`);
    const clock = rowClock(nowMs, config.stuckAfterSeconds, config.retentionHours);
    for (const state of RECORD_STATES) {
      const { text, values } = sql`SELECT id::text AS id FROM idempotency_keys WHERE ${stripeKeyRules.statePredicate(state, clock)!}`.build();
      const matched = (await client.query<{ id: string }>(text, values)).rows.map((r) => r.id).sort();
      expect(matched, state).toEqual(rows.filter((r) => classifyStripeKeyRow(r, nowMs, config).state === state).map((r) => r.id).sort());
    }
    const purgeable = await client.query(`SELECT id::text AS id FROM idempotency_keys WHERE ${stripeKeyRules.purgeableCondition(72)}`);
    expect(purgeable.rows.map((r) => r.id)).toEqual(rows.filter((r) => classifyStripeKeyRow(r, nowMs, config).state === 'expired').map((r) => r.id));
  });
});

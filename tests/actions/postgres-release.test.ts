import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAction } from '../../lib/actions/release-action';
import { releaseBody } from '../../lib/actions/schemas';
import { actionFixture, operator, type ActionFixture } from './setup';

// What every store does is in tests/stores (the contract); here, what only Postgres has: rows and their counters.
let f: ActionFixture;
let pool: pg.Pool;

beforeAll(async () => {
  f = await actionFixture('pg_release');
  pool = new pg.Pool({ connectionString: f.database.url, max: 4 });
});
afterAll(async () => {
  await pool.end();
  await f.close();
});

async function stuckRow(consumer = 'billing', claimedSecondsAgo = 900): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO processed_messages (message_id, consumer, status, owner_token, claimed_at, processed_at, lease_expires_at)
     VALUES ($1, $2, 'processing', $3, now() - make_interval(secs => $4), now() - make_interval(secs => $4), now() - interval '1 minute')`,
    [id, consumer, randomUUID(), claimedSecondsAgo],
  );
  return id;
}

describe('release of processed_messages rows', () => {
  it('previews rows in flight with their state and explains the rest', async () => {
    const stuck = await stuckRow();
    const done = randomUUID();
    await pool.query(`INSERT INTO processed_messages (message_id) VALUES ($1)`, [done]);
    const missing = randomUUID();
    const preview = await f.stores.postgres.previewRelease({ keys: [stuck, done, missing] });
    expect(preview.wouldRelease).toHaveLength(1);
    expect(preview.wouldRelease[0]).toMatchObject({ key: stuck, state: { state: 'stuck', consumer: 'billing' } });
    // Time passes between the insert and the preview: a range, never an exact age.
    expect(preview.wouldRelease[0]!.state.ageSeconds).toBeGreaterThanOrEqual(900);
    expect(preview.wouldRelease[0]!.state.ageSeconds).toBeLessThan(930);
    expect(preview.wouldRelease[0]!.seen).toMatch(/^[0-9a-f]{32}$/);
    expect(preview.skipped).toEqual([
      { key: done, reason: 'not-in-flight' },
      { key: missing, reason: 'missing' },
    ]);
  });

  it('deletes only rows still exactly as previewed, and counts releases per consumer', async () => {
    const a = await stuckRow('billing');
    const b = await stuckRow('shipping');
    const takenOver = await stuckRow('billing');
    const completes = await stuckRow('billing');
    const preview = await f.stores.postgres.previewRelease({ keys: [a, b, takenOver, completes] });
    await pool.query(`UPDATE processed_messages SET owner_token = 'new-owner', lease_expires_at = now() + interval '1 minute' WHERE message_id = $1`, [takenOver]);
    await pool.query(`UPDATE processed_messages SET status = 'completed', owner_token = NULL, lease_expires_at = NULL WHERE message_id = $1`, [completes]);
    const before = await releasesCounted();

    const result = await f.stores.postgres.release(preview.wouldRelease);
    expect(result.released.sort()).toEqual([a, b].sort());
    expect(result.skipped).toEqual([
      { key: takenOver, reason: 'changed' },
      { key: completes, reason: 'not-in-flight' },
    ]);
    const left = await pool.query(`SELECT message_id FROM processed_messages WHERE message_id = ANY($1::uuid[])`, [[a, b, takenOver, completes]]);
    expect(left.rows.map((r) => r.message_id).sort()).toEqual([takenOver, completes].sort());
    expect((await releasesCounted()) - before).toBe(2);
  });

  it('selects rows stuck and claimed at least olderThanSeconds ago, oldest first', async () => {
    const old = await stuckRow('c', 7200);
    const recent = await stuckRow('c', 600);
    const preview = await f.stores.postgres.previewRelease({ olderThanSeconds: 3600 });
    const keys = preview.wouldRelease.map((i) => i.key);
    expect(keys).toContain(old);
    expect(keys).not.toContain(recent);
  });

  it('refuses a key that is not a uuid, naming it', async () => {
    await expect(releaseAction(f, 'postgres', operator, releaseBody.parse({ keys: [randomUUID(), 'order-1'], dryRun: true }))).rejects.toThrow(
      /^keys\.1: must be a message_id \(uuid\)/,
    );
  });
});

async function releasesCounted(): Promise<number> {
  const { rows } = await pool.query(`SELECT coalesce(sum(releases), 0)::int AS n FROM delivery_stats WHERE store = 'postgres'`);
  return rows[0].n;
}


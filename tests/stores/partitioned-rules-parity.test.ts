import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyRow, partitionedExpiry, type RowClassifyConfig } from '../../lib/records/classify';
import { RECORD_STATES } from '../../lib/records/states';
import { setupPostgresStore } from '../../lib/idempotency/index';
import { partitionedRules, rowClock } from '../../lib/stores/postgres/rules';
import { sql } from '../../lib/stores/postgres/sql';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

/**
 * The partitioned table's rules, twice: partitionedRules() in SQL, and
 * classifyRow() over partitionedExpiry() in TypeScript, on the same rows at
 * and one millisecond around every boundary (the partition time at the
 * retention cut, expires_at at now), and the purge's condition on the
 * database clock.
 */
const config: RowClassifyConfig = { stuckAfterSeconds: 300, retentionHours: 72 };
const RETENTION_MS = config.retentionHours * 3_600_000;
const TABLE = 'part.processed_messages';

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('part_rules');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('CREATE SCHEMA part');
  await setupPostgresStore(client, { table: TABLE, partitionedBy: 'message_time', statsTable: null, partitions: { daysBack: 5, daysAhead: 1 } });
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const CASES: { status: string; time: number; expires: number | null; claimed: number; lease: number | null }[] = [];
for (const d of [-1, 0, 1]) {
  for (const status of ['completed', 'failed']) {
    CASES.push({ status, time: -RETENTION_MS + d, expires: null, claimed: -RETENTION_MS, lease: null });
    CASES.push({ status, time: -RETENTION_MS - 60_000, expires: d, claimed: -RETENTION_MS, lease: null });
    CASES.push({ status, time: -RETENTION_MS + d, expires: -10_000, claimed: -RETENTION_MS, lease: null });
    CASES.push({ status, time: -1_000, expires: d, claimed: -1_000, lease: null });
  }
  CASES.push({ status: 'processing', time: -RETENTION_MS + d, expires: null, claimed: -1_000, lease: 60_000 });
  CASES.push({ status: 'processing', time: -RETENTION_MS - 1, expires: null, claimed: -1_000, lease: d });
}

const insert = (nowExpr: (param: string) => string) => `INSERT INTO ${TABLE} (message_id, message_time, status, claimed_at, processed_at, lease_expires_at, expires_at)
  VALUES (gen_random_uuid(), ${nowExpr('$1')}, $2, ${nowExpr('$3')}, ${nowExpr('$3')}, ${nowExpr('$4')}, ${nowExpr('$5')})`;

describe('the partitioned rules in TypeScript and in SQL', () => {
  it('put every row, boundaries included, in the same state', async () => {
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    const at = (offset: number | null) => (offset === null ? null : new Date(nowMs + offset));
    for (const c of CASES) await client.query(insert((p) => p), [at(c.time), c.status, at(c.claimed), at(c.lease), at(c.expires)]);
    const { rows } = await client.query(
      `SELECT message_id::text AS id, status, processed_at AS "processedAt", claimed_at AS "claimedAt", lease_expires_at AS "leaseExpiresAt",
              expires_at AS "expiresAt", message_time AS "partitionTime" FROM ${TABLE}`,
    );
    expect(rows).toHaveLength(CASES.length);
    const rules = partitionedRules('message_time', config.retentionHours);
    const clock = rowClock(nowMs, config.stuckAfterSeconds, config.retentionHours);
    const stateOf = (r: (typeof rows)[number]) => classifyRow({ ...r, expiresAt: partitionedExpiry(r, config.retentionHours) }, nowMs, config).state;
    let placed = 0;
    for (const state of RECORD_STATES) {
      const predicate = rules.statePredicate(state, clock);
      let matched: string[] = [];
      if (predicate) {
        const { text, values } = sql`SELECT message_id::text AS id FROM part.processed_messages WHERE ${predicate}`.build();
        matched = (await client.query<{ id: string }>(text, values)).rows.map((r) => r.id).sort();
      }
      expect(matched, state).toEqual(rows.filter((r) => stateOf(r) === state).map((r) => r.id).sort());
      placed += matched.length;
    }
    expect(placed).toBe(rows.length);
    expect(rows.filter((r) => stateOf(r) === 'expired').length).toBeGreaterThan(0);
    await client.query(`DELETE FROM ${TABLE}`);
  });

  it('agree with the purge condition on the database clock', async () => {
    await client.query('BEGIN');
    try {
      const ms = (p: string) => `now() + ${p} * interval '1 millisecond'`;
      for (const c of CASES) await client.query(insert(ms), [c.time, c.status, c.claimed, c.lease, c.expires]);
      const rules = partitionedRules('message_time', config.retentionHours);
      const { rows } = await client.query(
        `SELECT now() AS now, status, processed_at AS "processedAt", claimed_at AS "claimedAt", lease_expires_at AS "leaseExpiresAt",
                expires_at AS "expiresAt", message_time AS "partitionTime", (${rules.purgeableCondition(config.retentionHours)}) AS purgeable FROM ${TABLE}`,
      );
      for (const r of rows) {
        const state = classifyRow({ ...r, expiresAt: partitionedExpiry(r, config.retentionHours) }, r.now.getTime(), config).state;
        expect(r.purgeable, JSON.stringify(r)).toBe(state === 'expired');
      }
      expect(rows.some((r) => r.purgeable)).toBe(true);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

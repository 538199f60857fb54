import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient } from '../../lib/db/prisma';
import { tableRef } from '../../lib/stores/postgres/tables';

const WATCHED = tableRef({ schema: 'public', table: 'processed_messages' });
import type { CustomColumns } from '../../lib/config/env';
import { classifyCustomRow, classifyRecipeRow, classifyRow, type CustomRowFacts, type MessageRowFacts, type RowClassifyConfig } from '../../lib/records/classify';
import { RECORD_STATES } from '../../lib/records/states';
import { countPurgeable } from '../../lib/stores/postgres/purge';
import { customRules, expiryTime, purgeableCondition, recipeRules, rowClock, statePredicate, stuckByAge, stuckByLease } from '../../lib/stores/postgres/rules';
import { raw, sql } from '../../lib/stores/postgres/sql';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

/**
 * Each row rule is written twice, once in TypeScript (classifyRow) and once
 * in SQL (lib/stores/postgres/rules.ts, and the purge's in-database re-check
 * purgeableCondition(), which the purge_window function runs); these tests run all of them over the same rows, at
 * and around every boundary, on one clock.
 */
const config: RowClassifyConfig = { stuckAfterSeconds: 300, retentionHours: 72 };
const STUCK_MS = config.stuckAfterSeconds * 1000;
const RETENTION_MS = config.retentionHours * 3_600_000;

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('row_rules');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.drop();
});

interface Row extends MessageRowFacts {
  id: string;
}
const facts = (r: Row): MessageRowFacts => ({
  status: r.status,
  processedAt: r.processedAt,
  claimedAt: r.claimedAt,
  leaseExpiresAt: r.leaseExpiresAt,
  expiresAt: r.expiresAt,
});

async function readRows(): Promise<Row[]> {
  const { rows } = await client.query(
    `SELECT message_id::text AS id, status, processed_at AS "processedAt", claimed_at AS "claimedAt",
            lease_expires_at AS "leaseExpiresAt", expires_at AS "expiresAt" FROM processed_messages`,
  );
  return rows;
}

/** Offsets in ms from the clock; null for NULL. Every boundary of every rule, and one millisecond either side. */
const CASES: { status: string; claimed: number; lease: number | null; processed: number; expires: number | null }[] = [];
for (const d of [-1, 0, 1]) {
  CASES.push({ status: 'processing', claimed: -STUCK_MS + d, lease: 60_000, processed: 0, expires: null });
  CASES.push({ status: 'processing', claimed: -STUCK_MS + d, lease: -1, processed: 0, expires: null });
  CASES.push({ status: 'processing', claimed: -1_000, lease: d, processed: 0, expires: null });
  CASES.push({ status: 'processing', claimed: -1_000, lease: null, processed: -RETENTION_MS + d, expires: d });
  for (const status of ['completed', 'failed']) {
    CASES.push({ status, claimed: -RETENTION_MS, lease: null, processed: -RETENTION_MS + d, expires: null });
    CASES.push({ status, claimed: -1_000, lease: null, processed: -1_000, expires: d });
    CASES.push({ status, claimed: -RETENTION_MS, lease: null, processed: -RETENTION_MS - 1, expires: 10_000 + d });
  }
}

describe('the row rules in TypeScript and in SQL', () => {
  it('put every row, boundaries included, in the same state, and count the purgeable ones alike', async () => {
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    const at = (offset: number | null) => (offset === null ? null : new Date(nowMs + offset));
    try {
      for (const c of CASES) {
        await client.query(
          `INSERT INTO processed_messages (message_id, status, claimed_at, processed_at, lease_expires_at, expires_at)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)`,
          [c.status, at(c.claimed), at(c.processed), at(c.lease), at(c.expires)],
        );
      }
      const rows = await readRows();
      expect(rows).toHaveLength(CASES.length);
      const clock = rowClock(nowMs, config.stuckAfterSeconds, config.retentionHours);
      let placed = 0;
      for (const state of RECORD_STATES) {
        const predicate = statePredicate(state, clock);
        let matched: string[] = [];
        if (predicate) {
          const { text, values } = sql`SELECT message_id::text AS id FROM processed_messages WHERE ${predicate}`.build();
          matched = (await client.query<{ id: string }>(text, values)).rows.map((r) => r.id).sort();
        }
        const classified = rows.filter((r) => classifyRow(facts(r), nowMs, config).state === state).map((r) => r.id).sort();
        expect(matched, state).toEqual(classified);
        placed += matched.length;
      }
      expect(placed).toBe(rows.length);

      // The halves the counts and the stuck list read separately: disjoint, and together exactly the stuck rows.
      const ids = async (where: ReturnType<typeof stuckByAge>) => {
        const { text, values } = sql`SELECT message_id::text AS id FROM processed_messages WHERE ${where}`.build();
        return (await client.query<{ id: string }>(text, values)).rows.map((r) => r.id);
      };
      const [byAge, byLease] = [await ids(stuckByAge(clock)), await ids(stuckByLease(clock))];
      const stuck = rows.filter((r) => classifyRow(facts(r), nowMs, config).state === 'stuck').map((r) => r.id);
      expect(byAge.filter((id) => byLease.includes(id))).toEqual([]);
      expect([...byAge, ...byLease].sort()).toEqual(stuck.sort());

      // The expiry histogram buckets rows by expiryTime(): past it is exactly expired.
      const pastExpiry = await ids(sql`status <> 'processing' AND ${expiryTime(config.retentionHours)} <= ${clock.now}`);
      const expiredIds = rows.filter((r) => classifyRow(facts(r), nowMs, config).state === 'expired').map((r) => r.id);
      expect(pastExpiry.sort()).toEqual(expiredIds.sort());

      const expired = rows.filter((r) => classifyRow(facts(r), nowMs, config).state === 'expired').length;
      expect(expired).toBeGreaterThan(0);
      const prisma = createPrismaClient(database.url, 1);
      try {
        expect(await countPurgeable(prisma, WATCHED, config.retentionHours, nowMs)).toEqual({ count: expired, estimated: false });
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      await client.query('DELETE FROM processed_messages');
    }
  });

  it('agree with the purge, which deletes by purgeableCondition() on the database clock', async () => {
    await client.query('BEGIN');
    try {
      // now() is fixed for the transaction: rows placed relative to it sit exactly on the purge's boundaries.
      for (const c of CASES) {
        await client.query(
          `INSERT INTO processed_messages (message_id, status, claimed_at, processed_at, lease_expires_at, expires_at)
           VALUES (gen_random_uuid(), $1, now() + $2 * interval '1 millisecond', now() + $3 * interval '1 millisecond',
                   now() + $4 * interval '1 millisecond', now() + $5 * interval '1 millisecond')`,
          [c.status, c.claimed, c.processed, c.lease, c.expires],
        );
      }
      const { rows: purgeable } = await client.query<{ id: string; purgeable: boolean | null; now: Date }>(
        `SELECT message_id::text AS id, now() AS now, (${purgeableCondition(config.retentionHours)}) AS purgeable FROM processed_messages`,
      );
      const nowMs = purgeable[0]!.now.getTime();
      const byId = new Map((await readRows()).map((r) => [r.id, r]));
      // A WHERE clause deletes only where the condition is true; NULL (an unknown column) keeps the row.
      const disagreements = purgeable.filter((p) => (p.purgeable === true) !== (classifyRow(facts(byId.get(p.id)!), nowMs, config).state === 'expired'));
      expect(disagreements.map((p) => byId.get(p.id))).toEqual([]);
      expect(purgeable.filter((p) => p.purgeable === true).length).toBeGreaterThan(0);
      expect(purgeable.filter((p) => p.purgeable !== true).length).toBeGreaterThan(0);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

describe('the recipe profile\'s rules in TypeScript and in SQL', () => {
  const OFFSETS = [-RETENTION_MS - 1, -RETENTION_MS, -RETENTION_MS + 1, -1_000, null];

  it('put every row, boundaries included, in the same state', async () => {
    await client.query('CREATE TABLE recipe_rows (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)');
    try {
      const nowMs = Math.floor(Date.now() / 1000) * 1000;
      for (const offset of OFFSETS) {
        await client.query('INSERT INTO recipe_rows (message_id, processed_at) VALUES (gen_random_uuid(), $1)', [offset === null ? null : new Date(nowMs + offset)]);
      }
      const { rows } = await client.query<{ id: string; processedAt: Date | null }>(`SELECT message_id::text AS id, processed_at AS "processedAt" FROM recipe_rows`);
      const clock = rowClock(nowMs, config.stuckAfterSeconds, config.retentionHours);
      let placed = 0;
      for (const state of RECORD_STATES) {
        const { text, values } = sql`SELECT message_id::text AS id FROM recipe_rows WHERE ${recipeRules.statePredicate(state, clock)!}`.build();
        const matched = (await client.query<{ id: string }>(text, values)).rows.map((r) => r.id).sort();
        const classified = rows.filter((r) => classifyRecipeRow(r, nowMs, config).state === state).map((r) => r.id).sort();
        expect(matched, state).toEqual(classified);
        placed += matched.length;
      }
      expect(placed).toBe(rows.length);
      expect(rows.filter((r) => classifyRecipeRow(r, nowMs, config).state === 'expired')).toHaveLength(2);
    } finally {
      await client.query('DROP TABLE recipe_rows');
    }
  });

  it('agree with the purge\'s condition on the database clock', async () => {
    await client.query('BEGIN');
    try {
      await client.query('CREATE TABLE recipe_rows (message_id uuid primary key, processed_at timestamptz default now(), result jsonb)');
      for (const offset of OFFSETS) {
        await client.query(`INSERT INTO recipe_rows (message_id, processed_at) VALUES (gen_random_uuid(), now() + $1 * interval '1 millisecond')`, [offset]);
      }
      const { rows } = await client.query<{ processedAt: Date | null; now: Date; purgeable: boolean | null }>(
        `SELECT processed_at AS "processedAt", now() AS now, (${recipeRules.purgeableCondition(config.retentionHours)}) AS purgeable FROM recipe_rows`,
      );
      const nowMs = rows[0]!.now.getTime();
      for (const r of rows) expect(r.purgeable === true, String(r.processedAt)).toBe(classifyRecipeRow(r, nowMs, config).state === 'expired');
    } finally {
      await client.query('ROLLBACK');
    }
  });
});

describe('the custom profile\'s rules in TypeScript and in SQL', () => {
  const VALUES = { processing: 'in_progress', completed: 'done', failed: 'error' };
  const WITH_STATUS: CustomColumns = {
    id: 'msg_id',
    processed: 'handled_at',
    claimed: 'claimed_at',
    status: 'state',
    lease: 'locked_until',
    expires: 'keep_until',
    result: 'outcome',
    statusValues: VALUES,
  };
  const WITHOUT_STATUS: CustomColumns = { id: 'event_id', processed: 'seen_at', expires: 'keep_until', statusValues: { processing: 'processing', completed: 'completed', failed: 'failed' } };
  const INBOX = `CREATE TABLE inbox (msg_id uuid primary key, state text, claimed_at timestamptz, handled_at timestamptz,
    locked_until timestamptz, keep_until timestamptz, outcome jsonb)`;
  const SEEN = 'CREATE TABLE seen (event_id bigint primary key, seen_at timestamptz, keep_until timestamptz)';
  // A status with the default values, and one time for both the claim and the result: no lease, no expiry column.
  const JOBS_MAPPING: CustomColumns = { id: 'job_id', processed: 'updated_at', status: 'status', statusValues: { processing: 'processing', completed: 'completed', failed: 'failed' } };
  const JOBS = 'CREATE TABLE jobs (job_id integer primary key, status text, updated_at timestamptz)';
  const JOBS_CASES: Case[] = [{ state: 'processing', claimed: null, processed: null, lease: null, expires: null }, { state: 'done', claimed: null, processed: -1_000, lease: null, expires: null }];
  for (const d of [-1, 0, 1]) {
    JOBS_CASES.push({ state: 'processing', claimed: null, processed: -STUCK_MS + d, lease: null, expires: null });
    for (const state of ['completed', 'failed']) JOBS_CASES.push({ state, claimed: null, processed: -RETENTION_MS + d, lease: null, expires: null });
  }

  type Case = { state: string | null; claimed: number | null; processed: number | null; lease: number | null; expires: number | null };
  const INBOX_CASES: Case[] = [
    { state: 'in_progress', claimed: null, processed: null, lease: null, expires: null },
    { state: 'in_progress', claimed: -STUCK_MS - 1_000, processed: null, lease: 60_000, expires: null },
    { state: 'done', claimed: -1_000, processed: null, lease: null, expires: null },
    { state: 'done', claimed: -1_000, processed: null, lease: null, expires: -1 },
    { state: 'completed', claimed: -1_000, processed: -1_000, lease: null, expires: null },
    { state: 'weird', claimed: -1_000, processed: -1_000, lease: null, expires: null },
    { state: null, claimed: -1_000, processed: -1_000, lease: null, expires: null },
  ];
  for (const d of [-1, 0, 1]) {
    INBOX_CASES.push({ state: 'in_progress', claimed: -STUCK_MS + d, processed: null, lease: null, expires: null });
    INBOX_CASES.push({ state: 'in_progress', claimed: -1_000, processed: null, lease: d, expires: null });
    INBOX_CASES.push({ state: 'in_progress', claimed: null, processed: null, lease: d, expires: null });
    INBOX_CASES.push({ state: 'in_progress', claimed: -1_000, processed: -RETENTION_MS + d, lease: null, expires: d });
    for (const state of ['done', 'error']) {
      INBOX_CASES.push({ state, claimed: -RETENTION_MS, processed: -RETENTION_MS + d, lease: null, expires: null });
      INBOX_CASES.push({ state, claimed: -1_000, processed: -1_000, lease: null, expires: d });
      INBOX_CASES.push({ state, claimed: -RETENTION_MS, processed: -RETENTION_MS - 1, lease: null, expires: 10_000 + d });
    }
  }
  const SEEN_CASES: Case[] = [{ state: null, claimed: null, processed: null, lease: null, expires: null }];
  for (const d of [-1, 0, 1]) {
    SEEN_CASES.push({ state: null, claimed: null, processed: -RETENTION_MS + d, lease: null, expires: null });
    SEEN_CASES.push({ state: null, claimed: null, processed: -1_000, lease: null, expires: d });
    SEEN_CASES.push({ state: null, claimed: null, processed: -RETENTION_MS - 1, lease: null, expires: 10_000 + d });
    SEEN_CASES.push({ state: null, claimed: null, processed: null, lease: null, expires: d });
  }

  const tables = [
    { name: 'inbox', create: INBOX, mapping: WITH_STATUS, cases: INBOX_CASES },
    { name: 'seen', create: SEEN, mapping: WITHOUT_STATUS, cases: SEEN_CASES },
    { name: 'jobs', create: JOBS, mapping: JOBS_MAPPING, cases: JOBS_CASES },
  ];

  /** Inserts the cases, times as SQL on `clock` (a parameter or now()), ids numbered. */
  async function insert(table: (typeof tables)[number], at: (offset: number | null) => string, params: unknown[]) {
    for (const [i, c] of table.cases.entries()) {
      if (table.name === 'inbox') {
        await client.query(
          `INSERT INTO inbox (msg_id, state, claimed_at, handled_at, locked_until, keep_until) VALUES (md5($1::text)::uuid, $2, ${at(c.claimed)}, ${at(c.processed)}, ${at(c.lease)}, ${at(c.expires)})`,
          [i, c.state, ...params],
        );
      } else if (table.name === 'jobs') {
        await client.query(`INSERT INTO jobs (job_id, status, updated_at) VALUES ($1, $2, ${at(c.processed)})`, [i, c.state, ...params]);
      } else {
        await client.query(`INSERT INTO seen (event_id, seen_at, keep_until) VALUES ($1, ${at(c.processed)}, ${at(c.expires)})`, [i, ...params]);
      }
    }
  }

  async function readCustomRows(table: (typeof tables)[number]): Promise<{ id: string; facts: CustomRowFacts }[]> {
    const m = table.mapping;
    const { rows } = await client.query(
      `SELECT ${m.id}::text AS id, ${m.status ?? 'NULL'}::text AS status, ${m.processed} AS processed, ${m.claimed ?? m.processed} AS claimed,
         ${m.lease ?? 'NULL::timestamptz'} AS lease, ${m.expires ?? 'NULL::timestamptz'} AS expires FROM ${table.name}`,
    );
    return rows.map((r) => ({ id: r.id, facts: { status: r.status, processedAt: r.processed, claimedAt: r.claimed, leaseUntil: r.lease, expiresAt: r.expires } }));
  }

  for (const table of tables) {
    const rules = customRules(table.mapping);
    const classify = (facts: CustomRowFacts, nowMs: number) => classifyCustomRow(facts, table.mapping.status ? table.mapping.statusValues : null, nowMs, config);

    it(`${table.name} (${table.mapping.status ? 'with' : 'without'} a status column): put every row, boundaries included, in exactly one and the same state`, async () => {
      await client.query(table.create);
      try {
        const nowMs = Math.floor(Date.now() / 1000) * 1000;
        const offsets: unknown[] = [];
        await insert(table, (offset) => (offset === null ? 'NULL' : `'${new Date(nowMs + offset).toISOString()}'::timestamptz`), offsets);
        const rows = await readCustomRows(table);
        expect(rows).toHaveLength(table.cases.length);
        const clock = rowClock(nowMs, config.stuckAfterSeconds, config.retentionHours);
        const seen = new Map<string, string[]>();
        for (const state of RECORD_STATES) {
          const { text, values } = sql`SELECT ${raw(table.mapping.id)}::text AS id FROM ${raw(table.name)} WHERE ${rules.statePredicate(state, clock)}`.build();
          const matched = (await client.query<{ id: string }>(text, values)).rows.map((r) => r.id).sort();
          const classified = rows.filter((r) => classify(r.facts, nowMs).state === state).map((r) => r.id).sort();
          expect(matched, state).toEqual(classified);
          for (const id of matched) seen.set(id, [...(seen.get(id) ?? []), state]);
        }
        expect([...seen.values()].filter((states) => states.length !== 1)).toEqual([]);
        expect(seen.size).toBe(rows.length);
        const states = new Set(rows.map((r) => classify(r.facts, nowMs).state));
        expect([...states].sort()).toEqual(table.mapping.status ? ['completed', 'expired', 'failed', 'processing', 'stuck', 'unrecognized'] : ['completed', 'expired', 'unrecognized']);

        // The expiry timeline places finished rows by expiryTime(): past it is exactly expired.
        const { text, values } = sql`SELECT ${raw(table.mapping.id)}::text AS id FROM ${raw(table.name)}
          WHERE ${rules.finished} AND ${rules.expiryTime(config.retentionHours)} <= ${clock.now}`.build();
        const pastExpiry = (await client.query<{ id: string }>(text, values)).rows.map((r) => r.id).sort();
        expect(pastExpiry).toEqual(rows.filter((r) => classify(r.facts, nowMs).state === 'expired').map((r) => r.id).sort());
      } finally {
        await client.query(`DROP TABLE ${table.name}`);
      }
    });

    it(`${table.name}: agrees with the purge's condition on the database clock`, async () => {
      await client.query('BEGIN');
      try {
        await client.query(table.create);
        await insert(table, (offset) => (offset === null ? 'NULL' : `now() + ${offset} * interval '1 millisecond'`), []);
        const { rows } = await client.query<{ id: string; now: Date; purgeable: boolean | null }>(
          `SELECT ${table.mapping.id}::text AS id, now() AS now, (${rules.purgeableCondition(config.retentionHours)}) AS purgeable FROM ${table.name}`,
        );
        const nowMs = rows[0]!.now.getTime();
        const facts = new Map((await readCustomRows(table)).map((r) => [r.id, r.facts]));
        const disagreements = rows.filter((r) => (r.purgeable === true) !== (classify(facts.get(r.id)!, nowMs).state === 'expired'));
        expect(disagreements.map((r) => ({ ...r, facts: facts.get(r.id) }))).toEqual([]);
        expect(rows.filter((r) => r.purgeable === true).length).toBeGreaterThan(0);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  }
});

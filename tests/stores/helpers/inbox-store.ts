import type { Claim, ClaimRequest, ClaimResult, IdempotencyStore, StoredRecord } from '../../../lib/idempotency';
import { isUuid } from '../../../lib/idempotency';
import type { WatchedTableConfig } from '../../../lib/config/env';
import type pg from 'pg';

/**
 * An in-house inbox table, as a team might have written it without our
 * library: its own column names and status values, a lease, and an owner
 * column the dashboard does not map. The service below is its own code (plain
 * SQL a team writes), so that the contract suite can drive the custom profile
 * through the same claims, completions and crashes as every other store.
 */
export const INBOX_TABLE = `CREATE TABLE public.inbox (
  msg_id uuid PRIMARY KEY,
  handler text NOT NULL,
  state text NOT NULL,
  claimed_at timestamptz NOT NULL,
  handled_at timestamptz,
  locked_until timestamptz,
  outcome jsonb,
  owner text
)`;

export const INBOX_CONFIG: WatchedTableConfig = {
  schema: 'public',
  table: 'inbox',
  profile: 'custom',
  columns: {
    id: 'msg_id',
    processed: 'handled_at',
    claimed: 'claimed_at',
    result: 'outcome',
    status: 'state',
    lease: 'locked_until',
    consumer: 'handler',
    statusValues: { processing: 'in_progress', completed: 'done', failed: 'error' },
  },
};

interface InboxRow {
  msg_id: string;
  handler: string;
  state: 'in_progress' | 'done' | 'error';
  claimed_at: Date;
  handled_at: Date | null;
  locked_until: Date | null;
  outcome: unknown;
  owner: string | null;
}

const STATUS = { in_progress: 'processing', done: 'completed', error: 'failed' } as const;

function toRecord(r: InboxRow): StoredRecord {
  return {
    key: r.msg_id,
    status: STATUS[r.state],
    format: 'idemscope',
    consumer: r.handler,
    ...(r.owner ? { owner: r.owner } : {}),
    startedAt: r.claimed_at.getTime(),
    ...(r.locked_until ? { leaseExpiresAt: r.locked_until.getTime() } : {}),
    ...(r.state === 'done' ? { completedAt: r.handled_at!.getTime(), result: r.outcome } : {}),
  };
}

export class InboxStore implements IdempotencyStore {
  readonly name = 'inbox';

  constructor(private readonly pool: pg.Pool) {}

  normaliseKey(key: string): string {
    if (!isUuid(key)) throw new Error(`inbox keys are uuids, got ${key}`);
    return key.toLowerCase();
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const key = this.normaliseKey(request.key);
    // A new message, or one whose lease ran out or whose handler failed, is ours; anything else is reported as it is.
    const { rows } = await this.pool.query<InboxRow & { inserted: boolean }>(
      `INSERT INTO inbox (msg_id, handler, state, claimed_at, locked_until, owner)
       VALUES ($1, $2, 'in_progress', now(), now() + $3 * interval '1 millisecond', $4)
       ON CONFLICT (msg_id) DO UPDATE SET handler = EXCLUDED.handler, state = 'in_progress', claimed_at = now(),
         locked_until = EXCLUDED.locked_until, owner = EXCLUDED.owner, handled_at = NULL, outcome = NULL
       WHERE inbox.state = 'error' OR (inbox.state = 'in_progress' AND inbox.locked_until <= now())
       RETURNING *, (xmax = 0) AS inserted`,
      [key, request.consumer, request.leaseMs, request.owner],
    );
    const row = rows[0];
    if (!row) {
      const existing = await this.get(key);
      if (!existing) return this.claim(request);
      return { existing };
    }
    return { claimed: { key, consumer: request.consumer, owner: request.owner, takeover: !row.inserted, record: toRecord(row), token: request.owner } };
  }

  async complete(claim: Claim, result: unknown): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE inbox SET state = 'done', handled_at = now(), outcome = $3, locked_until = NULL WHERE msg_id = $1 AND owner = $2 AND state = 'in_progress'`,
      [claim.key, claim.token, JSON.stringify(result ?? null)],
    );
    return rowCount === 1;
  }

  async release(claim: Claim): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE inbox SET state = 'error', handled_at = now(), locked_until = NULL WHERE msg_id = $1 AND owner = $2 AND state = 'in_progress'`,
      [claim.key, claim.token],
    );
    return rowCount === 1;
  }

  async get(key: string): Promise<StoredRecord | null> {
    const { rows } = await this.pool.query<InboxRow>('SELECT * FROM inbox WHERE msg_id = $1', [this.normaliseKey(key)]);
    return rows[0] ? toRecord(rows[0]) : null;
  }
}

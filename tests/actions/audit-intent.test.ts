import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { releaseAction } from '../../lib/actions/release-action';
import { runAction } from '../../lib/actions/run-action';
import { releaseBody } from '../../lib/actions/schemas';
import { listAudit } from '../../lib/audit/audit-log';
import { JobStateError, StoreUnavailableError } from '../../lib/errors';
import { StoreError } from '../../lib/idempotency';
import { createStores } from '../../lib/stores';
import { actionFixture, operator, type ActionFixture } from './setup';

let f: ActionFixture;
beforeAll(async () => {
  f = await actionFixture('audit_intent');
});
afterAll(() => f.close());

const entriesOf = async (actionId: string) => (await listAudit(f.db, {}, 200)).items.filter((e) => e.actionId === actionId).reverse();

describe('an action is audited before it runs', () => {
  it('writes the intent before the action touches a store, and the outcome after', async () => {
    const actionId = randomUUID();
    let seenWhileRunning: string[] = [];
    await runAction(f.db, operator, {
      action: 'test.intent',
      actionId,
      parameters: { n: 1 },
      reason: 'why',
      intendedTargets: ['k1', 'k2'],
      async execute() {
        seenWhileRunning = (await entriesOf(actionId)).map((e) => e.outcome);
        return { body: 'done', targets: ['k1'], result: { released: 1 } };
      },
    });
    // A process that died here would have left exactly this: the intent.
    expect(seenWhileRunning).toEqual(['intent']);
    const [intent, outcome] = await entriesOf(actionId);
    expect(intent).toMatchObject({ outcome: 'intent', reason: 'why', parameters: { n: 1 }, targets: ['k1', 'k2'], targetCount: 2, result: {} });
    expect(outcome).toMatchObject({ outcome: 'ok', reason: 'why', targets: ['k1'], result: { released: 1 } });
    expect(BigInt(outcome!.id)).toBeGreaterThan(BigInt(intent!.id));
  });

  it('runs nothing when the intent cannot be written', async () => {
    const execute = vi.fn(async () => ({ body: 'ran', result: {} }));
    const actionId = randomUUID();
    // Postgres refuses NUL in text: the insert of the intent fails, before the action.
    await expect(runAction(f.db, operator, { action: 'test.unwritable', actionId, parameters: {}, reason: 'a\u0000b', execute })).rejects.toThrow();
    expect(execute).not.toHaveBeenCalled();
    expect(await entriesOf(actionId)).toEqual([]);
  });

  it('still answers an action that ran when only its outcome entry is lost', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const actionId = randomUUID();
      const outcome = await runAction(f.db, operator, {
        action: 'test.lost-outcome',
        actionId,
        parameters: {},
        // The result is only ever written with the outcome: a NUL in it fails that insert alone.
        execute: async () => ({ body: 'ran', result: { note: 'a\u0000b' } }),
      });
      expect(outcome.body).toBe('ran');
      expect((await entriesOf(actionId)).map((e) => e.outcome)).toEqual(['intent']);
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/outcome of test.lost-outcome .* not recorded/));
    } finally {
      log.mockRestore();
    }
  });

  it('audits a release whose store is unreachable as failed: store unavailable, never ok', async () => {
    const down = createClient({ url: 'redis://127.0.0.1:1', socket: { reconnectStrategy: false, connectTimeout: 200 } });
    down.on('error', () => undefined);
    const stores = createStores({ redis: down as never, db: f.db }, f.config);
    const actionId = randomUUID();
    const body = releaseBody.parse({ keys: [`${f.keyPrefix}gone`], actionId });
    await expect(releaseAction({ ...f, stores }, 'redis', operator, body)).rejects.toBeInstanceOf(StoreUnavailableError);
    const entries = await entriesOf(actionId);
    expect(entries.map((e) => e.outcome)).toEqual(['intent', 'error']);
    expect(entries[1]!.result).toMatchObject({ error: 'store unavailable', code: 'store_unavailable', store: 'redis' });
    // The action's own store failed, not the dashboard's database: the error still names Redis.
    await expect(releaseAction({ ...f, stores }, 'redis', operator, releaseBody.parse({ keys: [`${f.keyPrefix}gone`] }))).rejects.toMatchObject({ store: 'redis' });
  });

  it('audits a refused or failed action with what went wrong, the code of a known refusal included', async () => {
    const refused = randomUUID();
    const refusal = new JobStateError('j1', 'completed', 'cancelled');
    await expect(runAction(f.db, operator, { action: 'test.refused', actionId: refused, parameters: {}, execute: () => Promise.reject(refusal) })).rejects.toBe(refusal);
    expect((await entriesOf(refused))[1]).toMatchObject({ outcome: 'error', result: { error: refusal.message, code: 'job_state' } });

    const failed = randomUUID();
    await expect(runAction(f.db, operator, { action: 'test.failed', actionId: failed, parameters: {}, execute: () => Promise.reject(new Error('disk on fire\nstack')) })).rejects.toThrow();
    expect((await entriesOf(failed))[1]!.result).toEqual({ error: 'disk on fire' });
  });
});

describe('with Idemscope\'s own database unreachable', () => {
  it('refuses the action before it runs, as a 503-mapped StoreUnavailableError, and lists nothing', async () => {
    const { createPrismaClient } = await import('../../lib/db/prisma');
    const { listAudit: list } = await import('../../lib/audit/audit-log');
    const dead = createPrismaClient('postgresql://postgres@127.0.0.1:1/idemscope', 1);
    try {
      const execute = vi.fn(async () => ({ body: 'ran', result: {} }));
      const refused = await runAction(dead, operator, { action: 'test.no-db', parameters: {}, execute }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      // The database's own failure, not the library's wrapper of it.
      expect((refused as StoreUnavailableError).store).toBe('postgres');
      expect((refused as Error).cause).not.toBeInstanceOf(StoreError);
      expect(execute).not.toHaveBeenCalled();
      await expect(list(dead, {}, 10)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await dead.$disconnect();
    }
  });
});

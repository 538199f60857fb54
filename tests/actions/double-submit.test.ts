import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionIdReusedError, ActionInProgressError } from '../../lib/errors';
import { releaseAction } from '../../lib/actions/release-action';
import { ACTIONS_CONSUMER, runAction } from '../../lib/actions/run-action';
import { releaseBody } from '../../lib/actions/schemas';
import { listAudit } from '../../lib/audit/audit-log';
import { actionFixture, operator, type ActionFixture } from './setup';

let f: ActionFixture;
beforeAll(async () => {
  f = await actionFixture('double_submit');
});
afterAll(() => f.close());

describe('an action id runs once', () => {
  it('answers a retried confirmation with the first result and audits once', async () => {
    const keys = ['a', 'b'].map((n) => `${f.keyPrefix}${n}`);
    for (const key of keys) await f.redis.set(key, 'processing', { EX: 3600 });
    const actionId = randomUUID();
    const confirm = releaseBody.parse({ keys, reason: 'stuck after deploy', actionId });

    const first = await releaseAction(f, 'redis', operator, confirm);
    const second = await releaseAction(f, 'redis', operator, confirm);
    expect(first).toMatchObject({ dryRun: false, replayed: false, body: { actionId, released: keys, skipped: [] } });
    // Run again, the keys would now be `missing`; the replay says what the first run did.
    expect(second).toMatchObject({ dryRun: false, replayed: true, body: { actionId, released: keys, skipped: [] } });

    const audit = await listAudit(f.db, { action: 'keys.release' }, 50);
    // One run: its intent and its outcome, and nothing for the replay.
    expect(audit.items.filter((e) => e.actionId === actionId).map((e) => e.outcome)).toEqual(['ok', 'intent']);
  });

  it('runs a double click (two concurrent requests) once', async () => {
    let runs = 0;
    const actionId = randomUUID();
    const run = () =>
      runAction(f.db, operator, {
        action: 'test.slow',
        actionId,
        parameters: { n: 1 },
        async execute() {
          runs++;
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { body: { ran: runs }, result: { ran: runs } };
        },
      });
    const [a, b] = await Promise.all([run(), run()]);
    expect(runs).toBe(1);
    expect(a.body).toEqual({ ran: 1 });
    expect(b.body).toEqual({ ran: 1 });
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
  });

  it('tells a second submit to retry when the first is still running after its wait, and never runs it twice', { timeout: 40_000 }, async () => {
    let runs = 0;
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const actionId = randomUUID();
    const run = () =>
      runAction(f.db, operator, {
        action: 'test.long',
        actionId,
        parameters: {},
        async execute() {
          runs++;
          await gate;
          return { body: 'done', result: {} };
        },
      });
    const first = run();
    while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await expect(run()).rejects.toBeInstanceOf(ActionInProgressError);
    // It waited for the first (15 s) before giving up on it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(14_000);
    finish();
    expect(await first).toMatchObject({ body: 'done', replayed: false });
    expect(runs).toBe(1);
  });

  it('refuses the same id for other parameters or another user', async () => {
    const actionId = randomUUID();
    const spec = (n: number) => ({ action: 'test.params', actionId, parameters: { n }, execute: async () => ({ body: n, result: {} }) });
    await runAction(f.db, operator, spec(1));
    await expect(runAction(f.db, operator, spec(2))).rejects.toBeInstanceOf(ActionIdReusedError);
    const other = { ...operator, principal: { ...operator.principal, label: 'operator#other000' } };
    await expect(runAction(f.db, other, spec(1))).rejects.toBeInstanceOf(ActionIdReusedError);
  });

  it('lets a retry run again after the first attempt failed, auditing both', async () => {
    const actionId = randomUUID();
    let attempts = 0;
    const spec = {
      action: 'test.flaky',
      actionId,
      parameters: {},
      async execute() {
        if (++attempts === 1) throw new Error('store hiccup');
        return { body: 'ok', result: {} };
      },
    };
    await expect(runAction(f.db, operator, spec)).rejects.toThrow('store hiccup');
    expect((await runAction(f.db, operator, spec)).body).toBe('ok');
    const audit = await listAudit(f.db, { action: 'test.flaky' }, 10);
    expect(audit.items.map((e) => e.outcome)).toEqual(['ok', 'intent', 'error', 'intent']);
  });

  it('keeps its claims in its own schema, never in a watched table nor in the delivery counters', async () => {
    const [own] = await f.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM idemscope.action_claims WHERE consumer = ${ACTIONS_CONSUMER}`;
    expect(own!.n).toBeGreaterThanOrEqual(4);
    const [watched] = await f.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM public.processed_messages WHERE consumer = ${ACTIONS_CONSUMER}`;
    expect(watched!.n).toBe(0);
    const [counted] = await f.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM public.delivery_stats WHERE consumer = ${ACTIONS_CONSUMER}`;
    expect(counted!.n).toBe(0);
  });
});

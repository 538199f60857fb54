import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAction } from '../../lib/actions/release-action';
import { releaseBody } from '../../lib/actions/schemas';
import { listAudit } from '../../lib/audit/audit-log';
import { ActionIdReusedError } from '../../lib/errors';
import { encodeRecord } from '../../lib/idempotency/record';
import { parseKeyPatterns } from '../../lib/records/key-patterns';
import { actionFixture, operator, withSettings, type ActionFixture } from './setup';

// The release service itself: what it previews, releases and audits. The stores' own rules are in redis-release and postgres-release.
let f: ActionFixture;
beforeAll(async () => {
  f = await actionFixture('release_action');
});
afterAll(() => f.close());

const k = (name: string) => `${f.keyPrefix}${name}`;
const stuck = (startedAt = Date.now() - 7_200_000) =>
  encodeRecord({ fmt: 'idemscope', v: 1, status: 'processing', owner: randomUUID(), consumer: 'billing', startedAt, leaseExpiresAt: startedAt + 30_000 });
const body = (b: object) => releaseBody.parse(b);
const entriesOf = async (actionId: string) => (await listAudit(f.db, {}, 200)).items.filter((e) => e.actionId === actionId).reverse();

describe('a release dry run', () => {
  it('previews the named keys and never writes: every key stays, nothing is audited', async () => {
    await f.redis.set(k('dry-a'), stuck(), { PX: 3_600_000 });
    const actionId = randomUUID();
    const outcome = await releaseAction(f, 'redis', operator, body({ keys: [k('dry-a'), k('dry-missing')], dryRun: true, actionId }));
    expect(outcome.dryRun).toBe(true);
    const preview = outcome.dryRun ? outcome.preview : null;
    expect(preview!.wouldRelease.map((i) => i.key)).toEqual([k('dry-a')]);
    expect(preview!.skipped).toEqual([{ key: k('dry-missing'), reason: 'missing' }]);
    expect(await f.redis.exists(k('dry-a'))).toBe(1);
    expect(await entriesOf(actionId)).toEqual([]);
  });

  it('previews by age when no keys are named', async () => {
    const prefix = `${f.prefix}age:`;
    const aged = withSettings(f, { keyPatterns: parseKeyPatterns([`${prefix}*=plain`]) });
    await f.redis.set(`${prefix}old`, stuck(), { PX: 3_600_000 });
    const outcome = await releaseAction(aged, 'redis', operator, body({ olderThanSeconds: 3600, dryRun: true }));
    expect(outcome.dryRun && outcome.preview.wouldRelease.map((i) => i.key)).toEqual([`${prefix}old`]);
    expect(await f.redis.exists(`${prefix}old`)).toBe(1);
  });
});

describe('a release confirmation', () => {
  it('releases previewed items only if unchanged, compares the others as found now, and audits what it did', async () => {
    for (const name of ['c-seen', 'c-changed', 'c-plain']) await f.redis.set(k(name), stuck(), { PX: 3_600_000 });
    const preview = await f.stores.redis.previewRelease({ keys: [k('c-seen'), k('c-changed')] });
    // Taken over after the preview: the confirmation must leave it alone.
    await f.redis.set(k('c-changed'), stuck(Date.now() - 3_000_000), { PX: 3_600_000 });
    const actionId = randomUUID();
    const keys = [...preview.wouldRelease.map(({ key, seen }) => ({ key, seen })), k('c-plain'), k('c-plain'), k('c-missing')];
    const outcome = await releaseAction(f, 'redis', operator, body({ keys, reason: 'stuck after deploy', actionId }));

    expect(outcome).toMatchObject({ dryRun: false, replayed: false, actionId, body: { actionId, store: 'redis' } });
    const result = outcome.dryRun ? null : outcome.body;
    expect([...result!.released].sort()).toEqual([k('c-plain'), k('c-seen')]);
    expect(result!.skipped).toEqual(
      expect.arrayContaining([
        { key: k('c-missing'), reason: 'missing' },
        expect.objectContaining({ key: k('c-changed') }),
      ]),
    );
    expect(result!.skipped).toHaveLength(2);
    expect(await f.redis.exists(k('c-changed'))).toBe(1);

    const [intent, done] = await entriesOf(actionId);
    expect(intent).toMatchObject({
      action: 'keys.release',
      outcome: 'intent',
      store: 'redis',
      reason: 'stuck after deploy',
      parameters: { olderThanSeconds: null, requestedTargets: 4 },
      targets: [k('c-seen'), k('c-changed'), k('c-plain'), k('c-missing')],
    });
    expect(intent!.parameters).not.toHaveProperty('table');
    expect(done).toMatchObject({ outcome: 'ok', result: { released: 2, skipped: 2 } });
    expect(done!.result).not.toHaveProperty('moreRemain');
    expect([...done!.targets].sort()).toEqual([k('c-changed'), k('c-missing'), k('c-plain'), k('c-seen')]);
    // Each item's state right before the release, as the audit log shows it.
    const seen = done!.seen as { key: string; seen: string; state: { state: string } | null }[];
    expect(seen.map((s) => s.key).sort()).toEqual([k('c-changed'), k('c-plain'), k('c-seen')]);
    expect(seen.find((s) => s.key === k('c-seen'))).toMatchObject({ seen: preview.wouldRelease.find((i) => i.key === k('c-seen'))!.seen, state: { state: 'stuck' } });
    expect(seen.find((s) => s.key === k('c-plain'))!.state).toMatchObject({ state: 'stuck' });
  });

  it('by age releases what is stuck now, and says when more remain than one request may take', async () => {
    const prefix = `${f.prefix}more:`;
    const aged = withSettings(f, { bulkLimit: 1, keyPatterns: parseKeyPatterns([`${prefix}*=plain`]) });
    await f.redis.set(`${prefix}1`, stuck(), { PX: 3_600_000 });
    await f.redis.set(`${prefix}2`, stuck(), { PX: 3_600_000 });
    const actionId = randomUUID();
    const outcome = await releaseAction(aged, 'redis', operator, body({ olderThanSeconds: 3600, reason: 'backlog', actionId }));
    expect(outcome.dryRun === false && outcome.body.released).toHaveLength(1);
    const [intent, done] = await entriesOf(actionId);
    expect(intent).toMatchObject({ parameters: { olderThanSeconds: 3600, requestedTargets: null } });
    expect(done).toMatchObject({ outcome: 'ok', result: { released: 1, skipped: 0, moreRemain: true } });
  });

  it('takes exactly IDEMSCOPE_BULK_LIMIT keys in one request', async () => {
    const keys = [k('limit-1'), k('limit-2'), k('limit-3')];
    const outcome = await releaseAction(withSettings(f, { bulkLimit: 3 }), 'redis', operator, body({ keys, dryRun: true }));
    expect(outcome.dryRun && outcome.preview.skipped).toHaveLength(3);
  });

  it('refuses a reused action id for other targets, or for the same targets on another table', async () => {
    const actionId = randomUUID();
    await releaseAction(f, 'redis', operator, body({ keys: [k('reuse')], actionId }));
    await expect(releaseAction(f, 'redis', operator, body({ keys: [k('reuse-other')], actionId }))).rejects.toBeInstanceOf(ActionIdReusedError);
    const row = randomUUID();
    const onTable = randomUUID();
    await releaseAction(f, 'postgres', operator, body({ keys: [row], actionId: onTable, table: 'public.processed_messages' }));
    await expect(releaseAction(f, 'postgres', operator, body({ keys: [row], actionId: onTable, table: 'public.other_table' }))).rejects.toBeInstanceOf(ActionIdReusedError);
    const byAge = randomUUID();
    const aged = withSettings(f, { keyPatterns: parseKeyPatterns([`${f.prefix}reuse-age:*=plain`]) });
    await releaseAction(aged, 'redis', operator, body({ olderThanSeconds: 3600, reason: 'backlog', actionId: byAge }));
    await expect(releaseAction(aged, 'redis', operator, body({ olderThanSeconds: 60, reason: 'backlog', actionId: byAge }))).rejects.toBeInstanceOf(ActionIdReusedError);
  });

  it('ignores a table sent with a Redis release: Redis has none, and the audit names none', async () => {
    await f.redis.set(k('no-table'), stuck(), { PX: 3_600_000 });
    const actionId = randomUUID();
    const outcome = await releaseAction(f, 'redis', operator, body({ keys: [k('no-table')], actionId, table: 'public.processed_messages' }));
    expect(outcome.dryRun === false && outcome.body.released).toEqual([k('no-table')]);
    const [intent] = await entriesOf(actionId);
    expect(intent!.parameters).toEqual({ olderThanSeconds: null, requestedTargets: 1 });
  });
});

describe('a Postgres release', () => {
  it('is audited as messages.release on its table', async () => {
    const id = randomUUID();
    await f.db.$executeRawUnsafe(
      `INSERT INTO processed_messages (message_id, consumer, status, owner_token, claimed_at, processed_at, lease_expires_at)
       VALUES ($1, 'billing', 'processing', $2, now() - interval '15 minutes', now() - interval '15 minutes', now() - interval '1 minute')`,
      id,
      randomUUID(),
    );
    const actionId = randomUUID();
    const outcome = await releaseAction(f, 'postgres', operator, body({ keys: [id], actionId, table: 'public.processed_messages' }));
    expect(outcome.dryRun === false && outcome.body).toMatchObject({ store: 'postgres', released: [id], skipped: [] });
    const [intent, done] = await entriesOf(actionId);
    expect(intent).toMatchObject({ action: 'messages.release', store: 'postgres', parameters: { table: 'public.processed_messages', requestedTargets: 1 } });
    expect(done).toMatchObject({ action: 'messages.release', outcome: 'ok', result: { released: 1, skipped: 0 } });
  });
});

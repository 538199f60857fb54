import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageItem } from '../../lib/contract/read';
import type { DashboardDeps } from '../../lib/dashboard/deps';
import { InvalidParameterError, NotFoundError } from '../../lib/errors';
import { listMessages, requireMessageDetail, type MessagesQuery } from '../../lib/dashboard/messages';
import { MASK } from '../../lib/records/mask';
import { RECORD_STATES } from '../../lib/records/states';
import { createWorld, type World } from './helpers/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('messages');
});

afterAll(async () => {
  await world.close();
});

async function allPages(deps: DashboardDeps, q: Omit<MessagesQuery, 'cursor'>): Promise<{ items: MessageItem[]; pages: number }> {
  const items: MessageItem[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listMessages(deps, { ...q, cursor });
    expect(page.items.length).toBeLessThanOrEqual(q.limit);
    expect(page.examined).toBeLessThanOrEqual(deps.config.rowsExaminedPerRequest);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 1000);
  return { items, pages };
}

describe('listing messages', () => {
  it('lists each row once in its state, across pages and bounded windows', async () => {
    const tight = { ...world.deps, config: { ...world.config, rowsExaminedPerRequest: 3 } };
    for (const state of RECORD_STATES) {
      const { items } = await allPages(tight, { state, limit: 2 });
      const expected = world.rows.filter((r) => r.state === state);
      expect(items.map((i) => i.messageId).sort(), state).toEqual(expected.map((r) => r.messageId).sort());
      expect(items.every((i) => i.state === state)).toBe(true);
    }
  });

  it('lists every row without a state, newest first', async () => {
    const { items } = await allPages(world.deps, { limit: 5 });
    expect(items.map((i) => i.messageId).sort()).toEqual(world.rows.map((r) => r.messageId).sort());
    const times = items.map((i) => Date.parse(i.processedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by consumer', async () => {
    const { items } = await allPages(world.deps, { consumer: 'shipping', limit: 2 });
    expect(items.map((i) => i.messageId).sort()).toEqual(world.rows.filter((r) => r.consumer === 'shipping').map((r) => r.messageId).sort());
    const stuck = await allPages(world.deps, { state: 'stuck', consumer: 'shipping', limit: 10 });
    expect(stuck.items).toHaveLength(1);
  });

  it('lists stuck rows oldest first', async () => {
    const { items } = await allPages(world.deps, { state: 'stuck', limit: 10 });
    expect(items.map((i) => i.ageSeconds)).toEqual([...items.map((i) => i.ageSeconds)].sort((a, b) => b - a));
    expect(items[0]).toMatchObject({ consumer: 'shipping', leaseExpiresAt: null, status: 'processing' });
  });

  it('refuses a cursor from another listing', async () => {
    const first = await listMessages(world.deps, { state: 'completed', limit: 1 });
    await expect(listMessages(world.deps, { state: 'failed', limit: 1, cursor: first.nextCursor! })).rejects.toMatchObject({ parameter: 'cursor' });
    await expect(listMessages(world.deps, { limit: 1, cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(InvalidParameterError);
  });
});

describe('a time window', () => {
  const H = 3_600_000;

  it('lists the rows recorded in it (processed_at in [from, to)), alone or with a state, across bounded pages', async () => {
    const all = (await allPages(world.deps, { limit: 50 })).items;
    const between = { fromMs: world.seededAt - 3.5 * H, toMs: world.seededAt - 0.5 * H, on: 'recorded' as const };
    const expected = all.filter((i) => Date.parse(i.processedAt) >= between.fromMs && Date.parse(i.processedAt) < between.toMs);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    const tight = { ...world.deps, config: { ...world.config, rowsExaminedPerRequest: 2 } };
    const { items } = await allPages(tight, { between, limit: 1 });
    expect(items.map((i) => i.messageId).sort()).toEqual(expected.map((i) => i.messageId).sort());
    const completed = await allPages(tight, { between, state: 'completed', limit: 1 });
    expect(completed.items.map((i) => i.messageId).sort()).toEqual(expected.filter((i) => i.state === 'completed').map((i) => i.messageId).sort());
    const open = await allPages(world.deps, { between: { fromMs: between.fromMs, on: 'recorded' }, limit: 50 });
    expect(open.items.map((i) => i.messageId).sort()).toEqual(all.filter((i) => Date.parse(i.processedAt) >= between.fromMs).map((i) => i.messageId).sort());
  });

  it('lists the rows expiring in it: their own expires_at, else processed_at plus retention', async () => {
    const all = (await allPages(world.deps, { limit: 50 })).items;
    const expiry = (i: MessageItem) => (i.expiresAt ? Date.parse(i.expiresAt) : Date.parse(i.processedAt) + world.config.retentionHours * H);
    const between = { fromMs: world.seededAt, toMs: world.seededAt + world.config.retentionHours * H - 3.5 * H, on: 'expires' as const };
    const expected = all.filter((i) => expiry(i) >= between.fromMs && expiry(i) < between.toMs);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    const { items } = await allPages(world.deps, { between, limit: 2 });
    expect(items.map((i) => i.messageId).sort()).toEqual(expected.map((i) => i.messageId).sort());
  });
});

describe('sorting', () => {
  it('lists newest or oldest first along the index the walk follows, across bounded pages', async () => {
    const tight = { ...world.deps, config: { ...world.config, rowsExaminedPerRequest: 3 } };
    const newest = (await allPages(tight, { sort: 'newest', limit: 2 })).items;
    const oldest = (await allPages(tight, { sort: 'oldest', limit: 2 })).items;
    const times = (items: MessageItem[]) => items.map((i) => Date.parse(i.processedAt));
    expect(newest).toHaveLength(world.rows.length);
    expect(times(newest)).toEqual([...times(newest)].sort((a, b) => b - a));
    expect(times(oldest)).toEqual([...times(oldest)].sort((a, b) => a - b));
    // A state's listing walks claimed_at: stuck rows come oldest first unless asked otherwise.
    const stuck = (await allPages(tight, { state: 'stuck', sort: 'newest', limit: 1 })).items.map((i) => Date.parse(i.claimedAt));
    expect(stuck.length).toBeGreaterThan(1);
    expect(stuck).toEqual([...stuck].sort((a, b) => b - a));
  });

  it('refuses a cursor of another order', async () => {
    const page = await listMessages({ ...world.deps, config: { ...world.config, rowsExaminedPerRequest: 2 } }, { sort: 'oldest', limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    await expect(listMessages(world.deps, { sort: 'newest', limit: 1, cursor: page.nextCursor! })).rejects.toThrow(InvalidParameterError);
  });
});

describe('searching by key', () => {
  it('finds rows whose message_id starts with a prefix (any case, hyphens or not) or holds a substring', async () => {
    const ids = world.rows.map((r) => r.messageId);
    const id = ids[0]!;
    for (const text of [id.slice(0, 3), id.slice(0, 10), id.slice(0, 10).toUpperCase()]) {
      const { items } = await allPages(world.deps, { search: { text, mode: 'prefix' }, limit: 2 });
      expect(items.map((i) => i.messageId).sort(), text).toEqual(ids.filter((m) => m.startsWith(text.toLowerCase())).sort());
    }
    const middle = id.slice(14, 22);
    const { items } = await allPages(world.deps, { search: { text: middle, mode: 'substring' }, limit: 2 });
    expect(items.map((i) => i.messageId)).toContain(id);
    expect(items.map((i) => i.messageId).sort()).toEqual(ids.filter((m) => m.includes(middle)).sort());
    const none = await allPages(world.deps, { search: { text: 'order-42', mode: 'prefix' }, limit: 2 });
    expect(none.items).toEqual([]);
    const withState = await allPages(world.deps, { search: { text: id.slice(0, 8), mode: 'prefix' }, state: world.rows[0]!.state, limit: 2 });
    expect(withState.items.map((i) => i.messageId)).toContain(id);
  });
});

describe('one message', () => {
  it('shows the row with its result masked and its delivery counts', async () => {
    const row = world.rows.find((r) => r.deliveryCount === 3)!;
    const detail = await requireMessageDetail(world.deps, row.messageId, { fingerprint: 'xyz' });
    expect(detail).toMatchObject({
      messageId: row.messageId,
      state: 'completed',
      status: 'completed',
      attempts: 3,
      duplicates: 2,
      fingerprint: 'abc',
      payloadMismatch: true,
      result: { orderId: 1, card: { cardNumber: MASK, last4: '1111' }, password: MASK },
    });
    expect(JSON.stringify(detail)).not.toContain('hunter2');
  });

  it('says 400 for a malformed id and 404 for an unknown one', async () => {
    await expect(requireMessageDetail(world.deps, 'not-a-uuid')).rejects.toMatchObject({ parameter: 'message_id' });
    await expect(requireMessageDetail(world.deps, '00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });
});

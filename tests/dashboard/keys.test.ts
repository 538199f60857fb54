import { keyPatternText } from '../../lib/records/key-patterns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyItem } from '../../lib/contract/read';
import type { DashboardDeps } from '../../lib/dashboard/deps';
import { InvalidParameterError, NotFoundError } from '../../lib/errors';
import { getKeyDetail, requireKeyDetail } from '../../lib/dashboard/key-detail';
import { listKeys, type KeysQuery } from '../../lib/dashboard/keys';
import { lookup } from '../../lib/dashboard/lookup';
import { bucketStart, statsKey } from '../../lib/idempotency/stats-keys';
import { MASK } from '../../lib/records/mask';
import { RECORD_STATES } from '../../lib/records/states';
import { createWorld, type World } from './helpers/world';

let world: World;

beforeAll(async () => {
  world = await createWorld('keys');
});

afterAll(async () => {
  await world.close();
});

async function allPages(deps: DashboardDeps, q: Omit<KeysQuery, 'cursor'>): Promise<{ items: KeyItem[]; pages: number; examined: number[] }> {
  const items: KeyItem[] = [];
  const examined: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listKeys(deps, { ...q, cursor });
    expect(page.items.length).toBeLessThanOrEqual(q.limit);
    items.push(...page.items);
    examined.push(page.examined);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 10_000);
  return { items, pages, examined };
}

describe('listing keys', () => {
  it('lists each seeded key once, in every state, with its facts', async () => {
    for (const state of RECORD_STATES) {
      const { items } = await allPages(world.deps, { state, limit: 3 });
      const expected = world.keys.filter((k) => k.state === state);
      expect(items.map((i) => i.key).sort(), state).toEqual(expected.map((k) => k.key).sort());
      for (const item of items) {
        const seeded = expected.find((k) => k.key === item.key)!;
        expect(item, item.key).toMatchObject({ state, format: seeded.format, noExpiry: seeded.noExpiry, pattern: keyPatternText(world.config.keyPatterns[seeded.pattern]!) });
        expect(item.ttlSeconds === null).toBe(seeded.noExpiry);
      }
    }
  });

  it('lists every key without a state filter, and only those of one pattern when asked', async () => {
    const all = await allPages(world.deps, { limit: 5 });
    expect(all.items.map((i) => i.key).sort()).toEqual(world.keys.map((k) => k.key).sort());
    const second = await allPages(world.deps, { limit: 50, pattern: keyPatternText(world.config.keyPatterns[1]!) });
    expect(second.items.map((i) => i.key).sort()).toEqual(world.keys.filter((k) => k.pattern === 1).map((k) => k.key).sort());
  });

  it('bounds the keys one request examines; short pages still carry a cursor', async () => {
    const tight = { ...world.deps, config: { ...world.config, scanCount: 10, keysExaminedPerRequest: 10 } };
    const { items, examined, pages } = await allPages(tight, { state: 'stuck', limit: 50 });
    expect(items).toHaveLength(6);
    expect(Math.max(...examined)).toBeLessThanOrEqual(10);
    expect(pages).toBeGreaterThan(1);
  });

  it('keeps to its bound when one SCAN reply holds more keys than COUNT asked for', async () => {
    // Redis may answer SCAN with whole hash buckets, more than COUNT; here every reply is five times too big.
    const keyspace = world.deps.redis.keyspace;
    const generous = { ...keyspace, scan: (pattern: string, cursor: string, count: number) => keyspace.scan(pattern, cursor, count * 5) };
    const tight = { ...world.deps, redis: { ...world.deps.redis, keyspace: generous }, config: { ...world.config, scanCount: 4, keysExaminedPerRequest: 4 } };
    const { items, examined } = await allPages(tight, { limit: 50 });
    expect(Math.max(...examined)).toBeLessThanOrEqual(4);
    expect(items.map((i) => i.key).sort()).toEqual(world.keys.map((k) => k.key).sort());
  });

  it('filters by consumer, and by a window on when a key was claimed or when it expires', async () => {
    // One clock for the listing and the window; instants come from Redis TTLs, so boundaries sit in the widest gap between keys.
    const deps = { ...world.deps, now: () => world.seededAt };
    const all = (await allPages(deps, { limit: 50 })).items;
    const billing = await allPages(deps, { consumer: 'billing', limit: 50 });
    expect(billing.items.length).toBeGreaterThan(0);
    expect(billing.items.map((i) => i.key).sort()).toEqual(all.filter((i) => i.consumer === 'billing').map((i) => i.key).sort());

    const split = (instants: number[]) => {
      const sorted = [...new Set(instants)].sort((a, b) => a - b);
      let at = 0;
      for (let i = 1; i < sorted.length; i++) if (sorted[i]! - sorted[i - 1]! > sorted[at + 1]! - sorted[at]!) at = i - 1;
      return (sorted[at]! + sorted[at + 1]!) / 2;
    };
    const recorded = (i: KeyItem) => (i.ageSeconds === null ? null : world.seededAt - i.ageSeconds * 1000);
    const fromMs = split(all.map(recorded).filter((t): t is number => t !== null));
    const claimedAfter = await allPages(deps, { between: { fromMs, on: 'recorded' }, limit: 50 });
    const expected = all.filter((i) => (recorded(i) ?? -Infinity) >= fromMs);
    expect(expected.length).toBeGreaterThan(0);
    expect(claimedAfter.items.map((i) => i.key).sort()).toEqual(expected.map((i) => i.key).sort());

    const expires = (i: KeyItem) => (i.noExpiry || i.ttlSeconds === null ? null : world.seededAt + i.ttlSeconds * 1000);
    const toMs = split(all.map(expires).filter((t): t is number => t !== null));
    const expiringBefore = await allPages(deps, { between: { toMs, on: 'expires' }, limit: 50 });
    const soon = all.filter((i) => expires(i) !== null && expires(i)! < toMs);
    expect(soon.length).toBeGreaterThan(0);
    expect(expiringBefore.items.map((i) => i.key).sort()).toEqual(soon.map((i) => i.key).sort());
    expect(expiringBefore.items.some((i) => i.noExpiry)).toBe(false);
  });

  it('searches keys by prefix and substring with a bounded SCAN MATCH, glob characters taken literally', async () => {
    const all = (await allPages(world.deps, { limit: 50 })).items.map((i) => i.key);
    const lib = `${world.prefix}idempotency:lib:`;
    const prefixed = await allPages(world.deps, { search: { text: lib, mode: 'prefix' }, limit: 50 });
    expect(prefixed.items.map((i) => i.key).sort()).toEqual(all.filter((k) => k.startsWith(lib)).sort());
    expect(prefixed.items.length).toBe(6);
    const done = await allPages(world.deps, { search: { text: 'done', mode: 'substring' }, limit: 50 });
    expect(done.items.map((i) => i.key).sort()).toEqual(all.filter((k) => k.includes('done')).sort());
    // A prefix outside every pattern's fixed start scans nothing.
    const outside = await listKeys(world.deps, { search: { text: `${world.prefix}other:`, mode: 'prefix' }, limit: 50 });
    expect(outside.items).toEqual([]);

    const uuid = '5f0c2a9e-3b7d-4c1a-9e8f-0123456789ab';
    const extra = [`${world.prefix}idempotency:legacy:${uuid}`, `${world.prefix}idempotency:star*key`, `${world.prefix}idempotency:starXkey`];
    await Promise.all(extra.map((key) => world.redis.set(key, '{"ok":true}', { EX: 600 })));
    try {
      const legacy = await allPages(world.deps, { search: { text: uuid, mode: 'substring' }, limit: 50 });
      expect(legacy.items.map((i) => i.key)).toEqual([extra[0]]);
      const star = await allPages(world.deps, { search: { text: 'star*key', mode: 'substring' }, limit: 50 });
      expect(star.items.map((i) => i.key)).toEqual([extra[1]]);
      const bracket = await allPages(world.deps, { search: { text: 'star[X]key', mode: 'substring' }, limit: 50 });
      expect(bracket.items).toEqual([]);

      // Each request walks at most IDEMSCOPE_LIST_EXAMINE_LIMIT keys' worth of SCAN steps, and says how many.
      const tight = { ...world.deps, config: { ...world.config, scanCount: 5, keysExaminedPerRequest: 10 } };
      let cursor: string | undefined;
      const found: string[] = [];
      let pages = 0;
      do {
        const page = await listKeys(tight, { search: { text: uuid, mode: 'substring' }, limit: 50, cursor });
        expect(page.scanned).toBeGreaterThan(0);
        expect(page.scanned).toBeLessThanOrEqual(10);
        found.push(...page.items.map((i) => i.key));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 1000);
      expect(pages).toBeGreaterThan(1);
      expect(found).toEqual([extra[0]]);
    } finally {
      await world.redis.del(extra);
    }
  });

  it('shows owner, consumer and age of in-flight records', async () => {
    const { items } = await allPages(world.deps, { state: 'processing', limit: 50 });
    const lib = items.find((i) => i.key.endsWith('lib:fresh'))!;
    expect(lib).toMatchObject({ format: 'idemscope', owner: 'owner-fresh', consumer: 'billing' });
    expect(lib.ageSeconds).toBeGreaterThanOrEqual(10);
    const plain = items.find((i) => i.key.endsWith('plain:fresh'))!;
    expect(plain).toMatchObject({ format: 'plain', owner: null });
    expect(plain.ageSeconds).toBeLessThan(60);
    expect(plain.ttlSeconds).toBeGreaterThan(86_000);
  });

  it('refuses bad patterns and cursors, naming the parameter', async () => {
    await expect(listKeys(world.deps, { pattern: 'other:*', limit: 5 })).rejects.toMatchObject({ parameter: 'pattern' });
    await expect(listKeys(world.deps, { cursor: 'garbage', limit: 5 })).rejects.toBeInstanceOf(InvalidParameterError);
    const first = await listKeys(world.deps, { limit: 1, pattern: keyPatternText(world.config.keyPatterns[1]!) });
    await expect(listKeys(world.deps, { limit: 1, pattern: world.config.keyPatterns[0]!.pattern, cursor: first.nextCursor! })).rejects.toMatchObject({
      parameter: 'cursor',
    });
  });
});

describe('one key', () => {
  const key = (name: string) => `${world.prefix}idempotency:${name}`;

  it('shows a plain result parsed, with the configured fields masked', async () => {
    const detail = await requireKeyDetail(world.deps, key('plain:done-1'));
    expect(detail).toMatchObject({
      state: 'completed',
      format: 'plain',
      redisType: 'string',
      valueEncoding: 'json',
      valueTruncated: false,
      value: { orderId: 1, card: { cardNumber: MASK, last4: '1111' }, password: MASK },
      maskedPaths: ['card.cardNumber', 'password'],
      attempts: null,
      payloadMismatch: null,
    });
    expect(JSON.stringify(detail)).not.toContain('hunter2');
    expect(JSON.stringify(detail)).not.toContain('4111111111111111');
  });

  it('truncates large values, flags them, and still masks their text', async () => {
    const detail = await requireKeyDetail(world.deps, key('plain:big'));
    expect(detail).toMatchObject({ state: 'completed', format: 'plain', valueEncoding: 'text', valueTruncated: true, maskedPaths: ['password'] });
    expect(detail.valueBytes).toBeGreaterThan(world.config.detailBytes);
    expect((detail.value as string).length).toBeLessThanOrEqual(world.config.detailBytes + 20);
    expect(JSON.stringify(detail)).not.toContain('big-secret');
    const huge = await requireKeyDetail(world.deps, key('junk:huge'));
    expect(huge).toMatchObject({ state: 'unrecognized', format: 'unknown', valueTruncated: true, valueBytes: 1024 * 1024 });
  });

  it('shows idemscope in-flight facts and compares a supplied fingerprint', async () => {
    const detail = await requireKeyDetail(world.deps, key('lib:lease-lost'), { fingerprint: 'fp-owner-lost' });
    expect(detail).toMatchObject({ state: 'stuck', format: 'idemscope', owner: 'owner-lost', consumer: 'billing', fingerprint: 'fp-owner-lost', payloadMismatch: false });
    expect(Date.parse(detail.leaseExpiresAt!)).toBeLessThan(Date.now());
    expect((await requireKeyDetail(world.deps, key('lib:lease-lost'), { fingerprint: 'other' })).payloadMismatch).toBe(true);
  });

  it('shows Powertools records with their expiry, validation hash and masked data', async () => {
    const powertools = world.keys.filter((k) => k.format === 'powertools');
    const details = await Promise.all(powertools.map((k) => requireKeyDetail(world.deps, k.key)));
    expect(details.map((d) => d.state)).toEqual(powertools.map((k) => k.state));
    const expired = details.find((d) => d.state === 'expired')!;
    expect(Date.parse(expired.expiresAt!)).toBeLessThan(Date.now());
    expect(expired.ttlSeconds).toBeGreaterThan(3000);
    expect(details.filter((d) => d.fingerprint !== null)).toHaveLength(1);
    const done = details.find((d) => d.state === 'completed')!;
    expect(done.value).toMatchObject({ status: 'COMPLETED', data: { receipt: 'r-5', password: MASK } });
  });

  it('answers a hash and a non-JSON text as unrecognized without failing', async () => {
    expect(await requireKeyDetail(world.deps, key('junk:hash'))).toMatchObject({ state: 'unrecognized', redisType: 'hash', valueEncoding: 'none', noExpiry: true });
    expect(await requireKeyDetail(world.deps, key('junk:text'))).toMatchObject({ state: 'unrecognized', valueEncoding: 'text', value: 'not json at all' });
  });

  it('agrees with the listing on every key', async () => {
    for (const seeded of world.keys) {
      expect((await requireKeyDetail(world.deps, seeded.key)).state, seeded.key).toBe(seeded.state);
    }
  });

  it('does not find unknown keys, keys outside the patterns, or stats hashes', async () => {
    await expect(requireKeyDetail(world.deps, key('nope'))).rejects.toBeInstanceOf(NotFoundError);
    expect(await getKeyDetail(world.deps, `${world.prefix}other:key`)).toBeNull();
    const stats = statsKey(world.config.statsPrefix, 'h', bucketStart(world.seededAt - 10 * 60_000, 'h'));
    expect(await world.redis.exists(stats)).toBe(1);
    expect(await getKeyDetail(world.deps, stats)).toBeNull();
  });
});

describe('lookup', () => {
  it('finds a key by its full name or by the part after a pattern prefix', async () => {
    const full = await lookup(world.deps, `${world.prefix}idempotency:lib:fresh`);
    expect(full.redis.matches.map((m) => m.key)).toEqual([`${world.prefix}idempotency:lib:fresh`]);
    const short = await lookup(world.deps, 'lib:fresh');
    expect(short.redis.matches.map((m) => m.key)).toEqual([`${world.prefix}idempotency:lib:fresh`]);
    expect(short.postgres).toEqual({ reachable: true, error: null, match: null });
  });

  it('finds a message id in Postgres', async () => {
    const row = world.rows.find((r) => r.state === 'failed')!;
    const found = await lookup(world.deps, row.messageId);
    expect(found.postgres.match).toMatchObject({ messageId: row.messageId, state: 'failed', deliveryCount: 4 });
    expect(found.redis.matches).toEqual([]);
  });

  it('matches exactly, never by prefix', async () => {
    const found = await lookup(world.deps, 'lib:');
    expect(found.redis.matches).toEqual([]);
  });
});

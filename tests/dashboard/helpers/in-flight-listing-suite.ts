import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyItem, KeysPage } from '../../../lib/contract/read';
import { createDashboard } from '../../../lib/dashboard/context';
import type { DashboardConfig } from '../../../lib/dashboard/config';
import { listKeys, type KeysQuery } from '../../../lib/dashboard/keys';
import { getOverview } from '../../../lib/dashboard/overview';
import { createPrismaClient } from '../../../lib/db/prisma';
import { RedisStore, type Claim } from '../../../lib/idempotency/index';
import { parseKeyPatterns } from '../../../lib/records/key-patterns';
import { redisDedupStore } from '../../../lib/stores/redis/dedup-store';
import { compareEntries } from '../../../lib/stores/redis/in-flight-pages';
import { redisReadStore } from '../../../lib/stores/redis/read-store';
import type { StoreSettings } from '../../../lib/stores/settings';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres';
import { testPrefix, type TestRedisClient } from '../../helpers/redis-client';
import type { TestRedisCluster } from '../../helpers/redis-cluster';
import { testConfig } from './dataset';

/** A lease that has run out under the dashboard's clock (AHEAD_MS), long before the 300 s stuck threshold. */
const SHORT_LEASE_MS = 1_000;
const LONG_LEASE_MS = 3_600_000;
/** The dashboard's clock, this far ahead of the claims: short leases have run out, no claim is 300 s old. */
const AHEAD_MS = 120_000;
/** Far enough ahead that every claim is older than the stuck threshold. */
const PAST_THRESHOLD_MS = 400_000;

export interface Connection<R> {
  connect(): Promise<R>;
  deleteByPrefix(redis: R, prefix: string): Promise<unknown>;
  cluster: boolean;
}

/**
 * The Explorer's processing and stuck listings and the bulk stuck preview of
 * a pattern declared `=idemscope`, read from the library's in-flight index
 * that the real library wrote: on the single node, and on the cluster with
 * one set per slot group merged by claim time.
 */
export function inFlightListingSuite<R extends TestRedisClient | TestRedisCluster>(label: string, connection: Connection<R>): void {
  describe(`in-flight listings from the library's index (${label})`, () => {
    let redis: R;
    let database: TestDatabase;
    let prisma: ReturnType<typeof createPrismaClient>;
    const prefixes: string[] = [];

    beforeAll(async () => {
      redis = await connection.connect();
      database = await createTestDatabase(`in_flight_listing_${connection.cluster ? 'cluster' : 'node'}`);
      prisma = createPrismaClient(database.url, 2);
    });

    afterAll(async () => {
      for (const prefix of prefixes) await connection.deleteByPrefix(redis, prefix);
      redis.destroy();
      await prisma.$disconnect();
      await database.drop();
    });

    /** A keyspace of this test's own: the library writing under `<prefix>idempotency:`, declared `=idemscope`. */
    const world = (overrides: Partial<DashboardConfig> = {}, extraPatterns: string[] = []) => {
      const prefix = testPrefix(`listing_${connection.cluster ? 'c' : 'n'}`);
      prefixes.push(prefix);
      const keyPrefix = `${prefix}idempotency:`;
      const config = testConfig(prefix, { keyPatterns: parseKeyPatterns([`${keyPrefix}*=idemscope`, ...extraPatterns.map((p) => `${prefix}${p}`)]), ...overrides });
      const library = new RedisStore(redis, { keyPrefix, statsPrefix: config.statsPrefix, cluster: connection.cluster });
      const settings: StoreSettings = { ...config, bulkLimit: 100, purgeBatchSize: 100 };
      const read = redisReadStore(redis);
      const depsAt = (nowMs: number) => ({ config, redis: read, now: () => nowMs });
      // Claims sent at once: the library batches them, so members share a claim time (a tie the cursor must break).
      const named = new Map<string, string>();
      const claim = async (names: string[], leaseMs: number): Promise<Map<string, Claim>> => {
        for (const name of names) named.set(library.recordKey(name), name);
        const results = await Promise.all(names.map((key) => library.claim({ key, consumer: 'billing', owner: `w-${key}`, leaseMs })));
        return new Map(results.map((r, i) => [names[i]!, r.claimed!]));
      };
      const indexScore = (name: string) =>
        redis.zScore(connection.cluster ? library.inFlightIndexOf(library.layout.tagOf(name)) : library.inFlightIndex, library.recordKey(name));
      return { prefix, keyPrefix, config, settings, library, depsAt, claim, indexScore, key: (name: string) => library.recordKey(name), nameOf: (key: string) => named.get(key)! };
    };

    /** Every page of a listing, calling `between` after each page (claims come and go there). */
    const walk = async (deps: Parameters<typeof listKeys>[0], q: Omit<KeysQuery, 'cursor'>, between: (page: KeysPage, n: number) => Promise<void> = async () => undefined) => {
      const pages: KeysPage[] = [];
      let cursor: string | undefined;
      do {
        const page = await listKeys(deps, { ...q, cursor });
        pages.push(page);
        cursor = page.nextCursor ?? undefined;
        await between(page, pages.length);
      } while (cursor && pages.length < 1000);
      return { pages, items: pages.flatMap((p) => p.items) };
    };
    const keysOf = (items: KeyItem[]) => items.map((i) => i.key);

    it('lists claims whose lease ran out before the stuck threshold, and the live ones as processing', async () => {
      const w = world();
      await w.claim(['short-a', 'short-b', 'short-c'], SHORT_LEASE_MS);
      await w.claim(['long-a', 'long-b'], LONG_LEASE_MS);
      const deps = w.depsAt(Date.now() + AHEAD_MS);

      const stuck = await walk(deps, { state: 'stuck', limit: 50 });
      expect(keysOf(stuck.items).sort()).toEqual(['short-a', 'short-b', 'short-c'].map(w.key).sort());
      expect(stuck.items.every((i) => i.stuckReason === 'lease-expired' && i.releasable)).toBe(true);
      expect(stuck.pages.every((p) => p.source === 'in-flight-index' && p.scanned === undefined)).toBe(true);
      expect(stuck.pages[0]!.readAt).toBe(new Date(deps.now()).toISOString());

      const processing = await walk(deps, { state: 'processing', limit: 50 });
      expect(keysOf(processing.items).sort()).toEqual(['long-a', 'long-b'].map(w.key).sort());

      // Past the threshold every claim is stuck by age; none is processing any more.
      const later = w.depsAt(Date.now() + PAST_THRESHOLD_MS);
      expect((await walk(later, { state: 'processing', limit: 50 })).items).toEqual([]);
      const old = await walk(later, { state: 'stuck', limit: 50 });
      expect(keysOf(old.items).sort()).toEqual(['short-a', 'short-b', 'short-c', 'long-a', 'long-b'].map(w.key).sort());
      expect(old.items.filter((i) => i.key.endsWith('long-a') || i.key.endsWith('long-b')).map((i) => i.stuckReason)).toEqual([
        'older-than-threshold',
        'older-than-threshold',
      ]);
    });

    it('pages through the index with no member lost or repeated while claims come and go, oldest first', async () => {
      // Eight members read per request at most, whatever the page size asks.
      const w = world({ keysExaminedPerRequest: 8 });
      const first = Array.from({ length: 30 }, (_, i) => `order-${String(i).padStart(2, '0')}`);
      const claims = new Map([...(await w.claim(first.slice(0, 15), SHORT_LEASE_MS)), ...(await w.claim(first.slice(15), SHORT_LEASE_MS))]);
      await w.claim(['live-1', 'live-2'], LONG_LEASE_MS);
      const scores = await Promise.all(first.map(w.indexScore));
      // The batches share claim times: the cursor must order members within one score.
      expect(new Set(scores).size).toBeLessThan(first.length);

      const deps = w.depsAt(Date.now() + AHEAD_MS);
      const completedUnseen: string[] = [];
      const completedSeen: string[] = [];
      const added = ['late-1', 'late-2', 'late-3'];
      const seen = new Set<string>();
      const walked = await walk(deps, { state: 'stuck', limit: 500 }, async (page, n) => {
        for (const item of page.items) seen.add(item.key);
        if (n !== 2) return;
        const listed = [...seen];
        // A claim listed already completes, two not listed yet complete, and new claims arrive.
        const done = listed[0]!;
        const unseen = first.map(w.key).filter((k) => !seen.has(k)).slice(-2);
        for (const key of [done, ...unseen]) {
          const name = w.nameOf(key);
          expect(await w.library.complete(claims.get(name)!, { ok: true }, 3600)).toBe(true);
        }
        completedSeen.push(done);
        completedUnseen.push(...unseen);
        await w.claim(added, SHORT_LEASE_MS);
      });
      for (const page of walked.pages) {
        expect(page.examined).toBeLessThanOrEqual(8);
        expect(page.source).toBe('in-flight-index');
      }
      const listed = keysOf(walked.items);
      expect(walked.pages.length).toBeGreaterThan(4);
      expect(new Set(listed).size).toBe(listed.length);
      const stayed = first.map(w.key).filter((k) => !completedUnseen.includes(k));
      for (const key of stayed) expect(listed, key).toContain(key);
      for (const key of completedUnseen) expect(listed).not.toContain(key);
      for (const name of added) expect(listed).toContain(w.key(name));
      expect(listed.filter((k) => k.includes('live-'))).toEqual([]);
      expect(completedSeen).toHaveLength(1);

      // In the index's order (claim time, then key bytes), across every slot group's set.
      const entries = await Promise.all(listed.map(async (key) => ({ key, score: (await w.indexScore(w.nameOf(key)))! })));
      expect(entries.filter((e) => e.score !== null)).toEqual([...entries].filter((e) => e.score !== null).sort(compareEntries));
    }, 30_000);

    it('passes over members whose key has gone or holds no claim, and leaves them for the pruner', async () => {
      const w = world();
      await w.claim(['kept', 'gone', 'replaced'], SHORT_LEASE_MS);
      // The library's own pruning step (one a minute) runs now, so that it cannot race the reads below.
      await w.library.pruneInFlightIndex();
      await redis.del(w.key('gone'));
      await redis.set(w.key('replaced'), 'shipped by hand');
      const deps = w.depsAt(Date.now() + AHEAD_MS);
      const stuck = await walk(deps, { state: 'stuck', limit: 50 });
      expect(keysOf(stuck.items)).toEqual([w.key('kept')]);
      expect(stuck.pages.reduce((n, p) => n + p.examined, 0)).toBe(3);
      // A read never deletes: the stale members stay in the index until the library prunes them.
      expect(await w.indexScore('gone')).not.toBeNull();
      expect(await w.indexScore('replaced')).not.toBeNull();
      expect(await redis.exists(w.key('gone'))).toBe(0);
    });

    it('previews exactly what the overview counts as stuck, on the same clock, from the index', async () => {
      const w = world();
      await w.claim(['p-1', 'p-2', 'p-3', 'p-4'], SHORT_LEASE_MS);
      await w.claim(['p-live'], LONG_LEASE_MS);
      await w.claim(['p-gone'], SHORT_LEASE_MS);
      await w.library.pruneInFlightIndex();
      await redis.del(w.key('p-gone'));
      const nowMs = Date.now() + AHEAD_MS;
      const deps = createDashboard({ config: w.config, redis, db: prisma, now: () => nowMs });
      try {
        const overview = await getOverview(deps, { fresh: true });
        const dedup = redisDedupStore(redis, w.settings, () => nowMs);
        const preview = await dedup.previewRelease({ olderThanSeconds: 0 });
        expect(overview.redis.stuck).toBe(4);
        expect(preview.count).toBe(overview.redis.stuck);
        expect(preview.wouldRelease.map((i) => i.key).sort()).toEqual(['p-1', 'p-2', 'p-3', 'p-4'].map(w.key).sort());
        expect(preview.sources).toMatchObject({ inFlightIndex: { members: 6 }, scan: null, readAt: new Date(nowMs).toISOString() });
        expect(preview.complete).toBe(true);
        const listed = await walk(w.depsAt(nowMs), { state: 'stuck', limit: 50 });
        expect(keysOf(listed.items).sort()).toEqual(preview.wouldRelease.map((i) => i.key).sort());

        // Stuck for at least T seconds = claimed at least T seconds ago: the walk stops at that claim time.
        expect((await dedup.previewRelease({ olderThanSeconds: 60 })).count).toBe(4);
        const none = await dedup.previewRelease({ olderThanSeconds: 200 });
        expect([none.count, none.sources!.inFlightIndex!.members]).toEqual([0, 0]);
      } finally {
        await deps.scanner.stop();
      }
    });

    it('shares one reading of the index between overviews for the aggregate cache time, and reads it anew for fresh figures', async () => {
      const w = world();
      await w.claim(['s-1', 's-2'], SHORT_LEASE_MS);
      const nowMs = Date.now() + AHEAD_MS;
      const deps = createDashboard({ config: { ...w.config, aggregateCacheMs: 60_000 }, redis, db: prisma, now: () => nowMs });
      try {
        const first = await getOverview(deps, { fresh: true });
        expect(first.redis.stuck).toBe(2);
        await w.claim(['s-3'], SHORT_LEASE_MS);
        // Within the cache time the overview keeps the reading it has, and says when it was read.
        const shared = await getOverview(deps, { fresh: false });
        expect(shared.redis.stuck).toBe(2);
        expect(shared.redis.inFlightIndex).toEqual(first.redis.inFlightIndex);
        const fresh = await getOverview(deps, { fresh: true });
        expect(fresh.redis.stuck).toBe(3);
      } finally {
        await deps.scanner.stop();
      }
    });

    it('refuses to release a key completed after the preview, and keeps its result', async () => {
      const w = world();
      const claims = await w.claim(['r-1', 'r-2', 'r-3'], SHORT_LEASE_MS);
      const nowMs = Date.now() + AHEAD_MS;
      const dedup = redisDedupStore(redis, w.settings, () => nowMs);
      const preview = await dedup.previewRelease({ olderThanSeconds: 0 });
      expect(preview.wouldRelease.map((i) => i.key).sort()).toEqual(['r-1', 'r-2', 'r-3'].map(w.key).sort());
      // The consumer was only slow: its result lands between the preview and the confirmation.
      expect(await w.library.complete(claims.get('r-2')!, { shipped: 2 }, 3600)).toBe(true);
      const outcome = await dedup.release(preview.wouldRelease.map(({ key, seen }) => ({ key, seen })));
      expect(outcome.released.sort()).toEqual([w.key('r-1'), w.key('r-3')].sort());
      expect(outcome.skipped).toEqual([{ key: w.key('r-2'), reason: 'not-in-flight' }]);
      expect(await w.library.get('r-2')).toMatchObject({ status: 'completed', result: { shipped: 2 } });
      expect(await w.indexScore('r-1')).toBeNull();
    });

    it('reads the index for =idemscope patterns and still scans the others, saying which', async () => {
      const w = world({}, ['other:*=plain']);
      await w.claim(['m-1', 'm-2'], SHORT_LEASE_MS);
      const nowMs = Date.now() + AHEAD_MS;
      const stuck = await walk(w.depsAt(nowMs), { state: 'stuck', limit: 50 });
      const sources = stuck.pages.map((p) => p.source);
      expect(sources[0]).toBe('in-flight-index');
      expect(sources.at(-1)).toBe('scan');
      expect(sources.indexOf('scan')).toBe(sources.lastIndexOf('in-flight-index') + 1);
      expect(keysOf(stuck.items).sort()).toEqual([w.key('m-1'), w.key('m-2')].sort());
      expect(stuck.pages.filter((p) => p.source === 'scan').every((p) => typeof p.scanned === 'number')).toBe(true);
      // A pattern asked for by name is read from its own source only.
      const plainOnly = await walk(w.depsAt(nowMs), { state: 'stuck', limit: 50, pattern: `${w.prefix}other:*=plain` });
      expect(plainOnly.pages.every((p) => p.source === 'scan')).toBe(true);
      const preview = await redisDedupStore(redis, w.settings, () => nowMs).previewRelease({ olderThanSeconds: 0 });
      expect(preview.sources!.inFlightIndex).toEqual({ members: 2 });
      expect(preview.sources!.scan).not.toBeNull();
      // The scan of the other patterns never offers an indexed pattern's key a second time.
      expect(preview.wouldRelease.map((i) => i.key).sort()).toEqual([w.key('m-1'), w.key('m-2')].sort());
      // A SCAN cursor is no index cursor, and the other way round.
      const indexCursor = (await listKeys(w.depsAt(nowMs), { state: 'stuck', limit: 1 })).nextCursor!;
      await expect(listKeys(w.depsAt(nowMs), { state: 'completed', limit: 5, cursor: indexCursor })).rejects.toMatchObject({ parameter: 'cursor' });
      const scanCursor = stuck.pages.find((p) => p.source === 'scan' && p.nextCursor)?.nextCursor;
      if (scanCursor) await expect(listKeys(w.depsAt(nowMs), { state: 'stuck', limit: 5, pattern: `${w.keyPrefix}*=idemscope`, cursor: scanCursor })).rejects.toMatchObject({ parameter: 'cursor' });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard } from '../../../lib/dashboard/context';
import type { DashboardDeps } from '../../../lib/dashboard/deps';
import { getKeyDetail } from '../../../lib/dashboard/key-detail';
import { getOverview } from '../../../lib/dashboard/overview';
import { createPrismaClient } from '../../../lib/db/prisma';
import { parseKeyPatterns } from '../../../lib/records/key-patterns';
import { emptyStateCounts, type KeyFormat, type RecordFormat, type RecordState, type StuckReason } from '../../../lib/records/states';
import { redisDedupStore } from '../../../lib/stores/redis/dedup-store';
import type { StoreSettings } from '../../../lib/stores/settings';
import { testConfig } from '../../dashboard/helpers/dataset';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres';
import { deleteByPrefix, newRedisClient, testPrefix, type TestRedisClient } from '../../helpers/redis-client';

/** One record a fixture made with the real library, and what Idemscope must make of it. */
export interface ExpectedRecord {
  key: string;
  state: RecordState;
  format: RecordFormat;
  stuckReason?: StuckReason | null;
  /** The format's own state name (BullMQ job state). */
  nativeState?: string | null;
  /** Whether an operator may release it. */
  releasable: boolean;
  /** Its state under `auto`, where that differs from the fixture's `signed` default. */
  autoState?: RecordState;
}

export interface FormatFixture {
  /** The format the pattern declares. */
  format: Exclude<KeyFormat, 'auto'>;
  /** Writes records with the library itself under `prefix`; returns the pattern's glob and every record's expectation. */
  write(redis: TestRedisClient, prefix: string): Promise<{ pattern: string; records: ExpectedRecord[] }>;
  /** Whether the format's values carry a signature, so that `auto` reads them alike; else `auto` leaves them unrecognized. */
  signed: boolean;
  /** Checks of its own after the release test released `released` (BullMQ: the next add creates a job). */
  afterRelease?(outcome: { released: string[]; skipped: { key: string; reason: string }[] }, redis: TestRedisClient): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every format must do against real Redis, over records its own
 * library wrote: exact overview counts under its declared pattern, the same
 * state on the record page with the reason for the format, never `completed`
 * under `auto` without a signature, and a release that takes exactly the
 * records the format allows and nothing that changed since the preview.
 */
export function formatContract(name: string, makeFixture: () => FormatFixture): void {
  describe(`record format contract: ${name}`, () => {
    let fixture: FormatFixture;
    let redis: TestRedisClient;
    let prefix: string;
    let database: TestDatabase;
    let prisma: ReturnType<typeof createPrismaClient>;
    let pattern: string;
    let records: ExpectedRecord[];
    const dashboards: DashboardDeps[] = [];

    const dashboard = (entry: string): DashboardDeps => {
      const deps = createDashboard({ config: testConfig(prefix, { keyPatterns: parseKeyPatterns([entry]), statsPrefix: `${prefix}stats:` }), redis, db: prisma });
      dashboards.push(deps);
      return deps;
    };
    const settings = (entry: string): StoreSettings => ({
      keyPatterns: parseKeyPatterns([entry]),
      statsPrefix: `${prefix}stats:`,
      stuckAfterSeconds: 300,
      plainLockTtlSeconds: 86_400,
      retentionHours: 72,
      bulkLimit: 1000,
      scanCount: 100,
      purgeBatchSize: 100,
    });

    beforeAll(async () => {
      fixture = makeFixture();
      redis = await newRedisClient();
      prefix = testPrefix(`fmt_${name.replace(/\W/g, '_')}`);
      database = await createTestDatabase(`fmt_${name.replace(/\W/g, '_')}`);
      prisma = createPrismaClient(database.url, 2);
      ({ pattern, records } = await fixture.write(redis, prefix));
    }, 60_000);

    afterAll(async () => {
      for (const deps of dashboards) await deps.scanner.stop();
      await fixture?.close();
      await deleteByPrefix(redis, prefix);
      redis.destroy();
      await prisma.$disconnect();
      await database.drop();
    });

    it('counts every record exactly on the overview under its declared pattern', async () => {
      const overview = await getOverview(dashboard(`${pattern}=${fixture.format}`), { fresh: true });
      const byState = emptyStateCounts();
      for (const r of records) byState[r.state]++;
      expect(overview.redis.byPattern).toEqual([
        { pattern: `${pattern}=${fixture.format}`, format: fixture.format, declared: true, keys: records.length, byState, suggestion: null },
      ]);
      expect(overview.redis).toMatchObject({
        keys: records.length,
        processing: byState.processing,
        stuck: byState.stuck,
        completed: byState.completed,
        expired: byState.expired,
        unrecognized: byState.unrecognized,
      });
      expect(overview.redis.byFormat![fixture.format]).toBe(records.filter((r) => r.format === fixture.format).length);
    });

    it('shows each record with its state, format, reasons and why the format was chosen', async () => {
      const deps = dashboard(`${pattern}=${fixture.format}`);
      for (const r of records) {
        const detail = await getKeyDetail(deps, r.key);
        expect(detail, r.key).toMatchObject({ state: r.state, format: r.format, pattern: `${pattern}=${fixture.format}` });
        if (r.stuckReason !== undefined) expect(detail!.stuckReason, r.key).toBe(r.stuckReason);
        if (r.nativeState !== undefined) expect(detail!.nativeState, r.key).toBe(r.nativeState);
        expect(detail!.formatReason, r.key).toContain(`declares ${fixture.format}`);
      }
    });

    it('never calls a record completed under auto unless its own signature says so', async () => {
      const overview = await getOverview(dashboard(pattern), { fresh: true });
      const byState = emptyStateCounts();
      for (const r of records) byState[r.autoState ?? (fixture.signed ? r.state : 'unrecognized')]++;
      expect(byState.completed).toBe(records.filter((r) => r.autoState === undefined && fixture.signed && r.state === 'completed').length);
      expect(overview.redis.byPattern![0]!.byState).toEqual(byState);
      expect(overview.redis.byPattern![0]!.suggestion === null).toBe(byState.unrecognized === 0);
      const detail = await getKeyDetail(dashboard(pattern), records[0]!.key);
      expect(detail!.formatReason).toContain('is auto');
    });

    it('releases exactly the records the format allows, and none that changed since the preview', async () => {
      const store = redisDedupStore(redis, settings(`${pattern}=${fixture.format}`));
      const keys = records.map((r) => r.key);
      const preview = await store.previewRelease({ keys });
      const expected = records.filter((r) => r.releasable).map((r) => r.key);
      expect(preview.wouldRelease.map((i) => i.key).sort()).toEqual([...expected].sort());
      expect(preview.skipped.map((s) => s.key).sort()).toEqual(keys.filter((k) => !expected.includes(k)).sort());
      // The bulk release of stuck records offers the releasable stuck ones only (never a stalled BullMQ job).
      const bulk = await store.previewRelease({ olderThanSeconds: 0 });
      expect(bulk.wouldRelease.map((i) => i.key).sort()).toEqual(records.filter((r) => r.releasable && r.state === 'stuck').map((r) => r.key).sort());
      if (preview.wouldRelease.length === 0) return;

      // The last one previewed changes before the confirmation.
      const rest = preview.wouldRelease.slice(0, -1);
      const first = preview.wouldRelease.at(-1);
      const before = await redis.get(first!.key);
      await redis.set(first!.key, `${before}-changed`, { KEEPTTL: true });
      const outcome = await store.release(preview.wouldRelease.map((i) => ({ key: i.key, seen: i.seen })));
      expect(outcome.released.sort()).toEqual(rest.map((i) => i.key).sort());
      expect(outcome.skipped).toHaveLength(1);
      expect(outcome.skipped[0]!.key).toBe(first!.key);
      expect(['changed', 'not-in-flight']).toContain(outcome.skipped[0]!.reason);
      for (const item of rest) expect(await redis.exists(item.key), item.key).toBe(0);
      expect(await redis.get(first!.key)).toBe(`${before}-changed`);
      await fixture.afterRelease?.(outcome, redis);
    });
  });
}

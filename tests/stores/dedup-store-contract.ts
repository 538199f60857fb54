import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAction } from '../../lib/actions/release-action';
import { releaseBody } from '../../lib/actions/schemas';
import { InvalidParameterError, StoreUnavailableError } from '../../lib/errors';
import { idempotent, type IdempotencyStore } from '../../lib/idempotency';
import type { DedupStore } from '../../lib/stores/store';
import type { StoreSettings } from '../../lib/stores/settings';
import { operator, type ActionFixture } from '../actions/setup';

/** One real store under test, as the contract needs to drive it. */
export interface StoreUnderTest {
  fixture: ActionFixture<unknown>;
  store: DedupStore;
  /** The same store with other settings, over the same connections. */
  withSettings(overrides: Partial<StoreSettings>): DedupStore;
  /** The same store over a connection to nothing: every call must fail as unavailable. */
  unreachable: DedupStore;
  /** The processor library over the same store, writing the records the dashboard releases. */
  library: IdempotencyStore;
  /** A message id the library has never seen. */
  newKey(): string;
  /** The dashboard's target for a library key. */
  target(key: string): string;
  /** Something that can never be one of this store's records. */
  foreignTarget: string;
  close(): Promise<void>;
}

/**
 * The contract every DedupStore keeps, run against each real store: what a
 * release previews, what it releases and what it leaves alone, and that no
 * race ever lets it delete a fresh result.
 */
export function dedupStoreContract(name: string, open: () => Promise<StoreUnderTest>, options: { label?: string; inFlight?: boolean } = {}): void {
  // A source whose records are never in flight (the recipe table) keeps the rest of the contract.
  const inFlight = options.inFlight ?? true;
  const itInFlight = inFlight ? it : it.skip;
  describe(`${options.label ?? name}: the DedupStore contract`, () => {
    let t: StoreUnderTest;
    beforeAll(async () => {
      t = await open();
    });
    afterAll(() => t.close());

    /** A delivery that crashed mid-handler: claimed through the library, its lease already run out. */
    async function crashedDelivery(consumer = 'billing', leaseMs = 1) {
      const key = t.newKey();
      const { claimed } = await t.library.claim({ key, consumer, owner: randomUUID(), leaseMs });
      expect(claimed).toBeDefined();
      if (leaseMs < 1000) await new Promise((resolve) => setTimeout(resolve, leaseMs + 5));
      return { key, target: t.target(key), claim: claimed! };
    }

    async function completed(consumer = 'billing') {
      const { key, target, claim } = await crashedDelivery(consumer, 60_000);
      expect(await t.library.complete(claim, { ok: key }, 3600)).toBe(true);
      return { key, target };
    }

    it('is named for its store', () => {
      expect(t.store.name).toBe(name);
    });

    itInFlight('previews in-flight records with an opaque seen token and explains the rest', async () => {
      const stuck = await crashedDelivery('billing');
      const done = await completed();
      const missing = t.target(t.newKey());
      const preview = await t.store.previewRelease({ keys: [stuck.target, done.target, missing] });
      expect(preview).toMatchObject({ dryRun: true, store: name, count: 1, more: false, complete: true });
      expect(preview.wouldRelease.map((i) => [i.key, i.state.state, i.state.consumer])).toEqual([[stuck.target, 'stuck', 'billing']]);
      expect(preview.wouldRelease[0]!.seen).toMatch(/^[0-9a-f]{32,40}$/);
      expect(preview.skipped).toEqual([
        { key: done.target, reason: 'not-in-flight' },
        { key: missing, reason: 'missing' },
      ]);
    });

    itInFlight('releases only what is still exactly as previewed', async () => {
      const released = await crashedDelivery();
      const takenOver = await crashedDelivery();
      const completes = await crashedDelivery();
      const vanishes = await crashedDelivery();
      const preview = await t.store.previewRelease({ keys: [released.target, takenOver.target, completes.target, vanishes.target] });
      expect(preview.count).toBe(4);

      const retaken = await t.library.claim({ key: takenOver.key, consumer: 'billing', owner: randomUUID(), leaseMs: 60_000 });
      expect(retaken.claimed?.takeover).toBe(true);
      expect(await t.library.complete(completes.claim, { late: true }, 3600)).toBe(true);
      await t.store.release(preview.wouldRelease.filter((i) => i.key === vanishes.target));

      const result = await t.store.release(preview.wouldRelease);
      expect(result.released).toEqual([released.target]);
      expect(result.skipped).toEqual([
        { key: takenOver.target, reason: 'changed' },
        { key: completes.target, reason: 'not-in-flight' },
        { key: vanishes.target, reason: 'missing' },
      ]);
      expect(await t.library.get(released.key)).toBeNull();
      expect((await t.library.get(takenOver.key))?.status).toBe('processing');
      expect((await t.library.get(completes.key))?.status).toBe('completed');
    });

    itInFlight('finds records stuck for at least olderThanSeconds, within the bulk limit', async () => {
      const stuck = [await crashedDelivery(), await crashedDelivery()];
      const young = await crashedDelivery('billing', 60_000);
      const all = await t.store.previewRelease({ olderThanSeconds: 0 });
      const found = all.wouldRelease.map((i) => i.key);
      for (const s of stuck) expect(found).toContain(s.target);
      expect(found).not.toContain(young.target);
      expect(all.wouldRelease.every((i) => i.state.state === 'stuck')).toBe(true);

      expect((await t.store.previewRelease({ olderThanSeconds: 3600 })).wouldRelease.map((i) => i.key)).not.toContain(stuck[0]!.target);
      const small = await t.withSettings({ bulkLimit: 1 }).previewRelease({ olderThanSeconds: 0 });
      expect(small).toMatchObject({ count: 1, more: true });
    });

    itInFlight('keeps a completion that lands between the preview and the release: the release skips the key', async () => {
      const { key, target, claim } = await crashedDelivery('racer', 1);
      const preview = await t.store.previewRelease({ keys: [target] });
      expect(preview.wouldRelease).toHaveLength(1);
      expect(await t.library.complete(claim, { won: 'completion' }, 3600)).toBe(true);
      const result = await t.store.release(preview.wouldRelease);
      expect(result.released).toEqual([]);
      expect(result.skipped.map((s) => s.key)).toEqual([target]);
      expect(await t.library.get(key)).toMatchObject({ status: 'completed', result: { won: 'completion' } });
    });

    itInFlight('refuses a completion that comes after the release: the handler learns it lost its claim', async () => {
      const { key, target, claim } = await crashedDelivery('racer', 1);
      const preview = await t.store.previewRelease({ keys: [target] });
      expect((await t.store.release(preview.wouldRelease)).released).toEqual([target]);
      expect(await t.library.complete(claim, { won: 'release' }, 3600)).toBe(false);
      expect(await t.library.get(key)).toBeNull();
    });

    itInFlight('never loses a completion that races the release, whichever wins', { timeout: 120_000 }, async () => {
      for (let round = 0; round < 60; round++) {
        const { key, target, claim } = await crashedDelivery('racer', 1);
        const preview = await t.store.previewRelease({ keys: [target] });
        expect(preview.wouldRelease).toHaveLength(1);
        const complete = () => t.library.complete(claim, { round }, 3600);
        const release = () => t.store.release(preview.wouldRelease);
        const [stored, result] =
          round % 2 === 0 ? await Promise.all([complete(), release()]) : await Promise.all([release(), complete()]).then(([r, c]) => [c, r] as const);
        const record = await t.library.get(key);
        if (stored) {
          expect(result.released).toEqual([]);
          expect(record?.status).toBe('completed');
        } else {
          expect(result.released).toEqual([target]);
          expect(record).toBeNull();
        }
      }
    });

    itInFlight('lets a redelivery run the handler normally after a release', async () => {
      const runs: string[] = [];
      const handle = idempotent(
        async (m: { id: string }) => {
          runs.push(m.id);
          return { shipped: m.id };
        },
        { store: t.library, consumer: 'shipping', key: (m) => m.id, leaseMs: 60_000 },
      );
      const id = t.newKey();
      await t.library.claim({ key: id, consumer: 'shipping', owner: randomUUID(), leaseMs: 60_000 });
      await expect(handle.process({ id })).rejects.toThrow(/being processed/);

      const preview = await releaseAction(t.fixture, name as 'redis' | 'postgres', operator, releaseBody.parse({ keys: [t.target(id)], dryRun: true }));
      const items = preview.dryRun ? preview.preview.wouldRelease.map(({ key, seen }) => ({ key, seen })) : [];
      const done = await releaseAction(t.fixture, name as 'redis' | 'postgres', operator, releaseBody.parse({ keys: items }));
      expect(done.dryRun === false && done.body.released).toEqual([t.target(id)]);

      expect(await handle.process({ id })).toEqual({ outcome: 'processed', key: id, result: { shipped: id } });
      expect(runs).toEqual([id]);
      expect(await handle.process({ id })).toMatchObject({ outcome: 'duplicate' });
    });

    it('refuses a target that can be none of its records, naming the field', () => {
      expect(() => t.store.normaliseTarget(t.foreignTarget, 'keys.3')).toThrow(InvalidParameterError);
      expect(() => t.store.normaliseTarget(t.foreignTarget, 'keys.3')).toThrow(/^keys\.3: /);
      const key = t.target(t.newKey());
      expect(t.store.normaliseTarget(key, 'keys.0').toLowerCase()).toBe(key.toLowerCase());
    });

    it('previews a purge as a dry run of its own store', async () => {
      expect(await t.store.previewPurge()).toMatchObject({ dryRun: true, store: name });
    });

    it('reports an unreachable store as unavailable, never as data', async () => {
      const target = t.target(t.newKey());
      await expect(t.unreachable.previewRelease({ keys: [target] })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(t.unreachable.previewRelease({ olderThanSeconds: 0 })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(t.unreachable.release([{ key: target, seen: '0'.repeat(40) }])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(t.unreachable.previewPurge()).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}

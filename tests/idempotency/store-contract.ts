import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyInProgressError,
  LeaseLostError,
  MissingIdempotencyKeyError,
  PayloadMismatchError,
  StoreError,
  idempotent,
  type IdempotencyStore,
} from '../../lib/idempotency/index';
import { crashConsumerMidHandler, sleep, type Counters, type StoreHarness } from './harness';

interface Order {
  id: string;
  amount?: number;
  note?: string;
}

/** One behavioural contract, run against every store with real servers and no mocks. */
export function describeStoreContract(name: string, setup: () => Promise<StoreHarness>): void {
  describe(`${name} store contract`, () => {
    let harness: StoreHarness;
    let store: IdempotencyStore;
    let close: () => Promise<void>;
    let consumerSeq = 0;
    const consumer = (label: string) => `${label}-${++consumerSeq}`;

    beforeAll(async () => {
      harness = await setup();
      ({ store, close } = await harness.connect());
    });

    afterAll(async () => {
      await close?.();
      await harness?.teardown();
    });

    it('runs the handler on the first delivery and replays its stored result to duplicates', async () => {
      let runs = 0;
      const handle = idempotent(
        async (order: Order) => {
          runs++;
          return { shipped: order.id, at: 1 };
        },
        { store, consumer: consumer('ship'), key: (o) => o.id },
      );
      const order = { id: harness.newKey() };

      const first = await handle.process(order);
      const again = await handle.process(order);

      expect(first).toEqual({ outcome: 'processed', key: order.id.toLowerCase(), result: { shipped: order.id, at: 1 } });
      expect(again).toEqual({ outcome: 'duplicate', key: order.id.toLowerCase(), result: { shipped: order.id, at: 1 } });
      expect(runs).toBe(1);
      const record = await store.get(order.id);
      expect(record).toMatchObject({ status: 'completed', format: 'idemscope', result: { shipped: order.id, at: 1 } });
      expect(record?.owner).toBeUndefined();
    });

    it('raises AlreadyInProgressError carrying the record while another delivery holds the lease', async () => {
      const name = consumer('busy');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const handle = idempotent(async () => (await gate, 'done'), { store, consumer: name, key: (o: Order) => o.id });
      const order = { id: harness.newKey() };

      const running = handle(order);
      await until(async () => (await store.get(order.id))?.status === 'processing');
      const error = await handle(order).catch((e: unknown) => e);
      release();

      expect(error).toBeInstanceOf(AlreadyInProgressError);
      const busy = error as AlreadyInProgressError;
      expect(busy.name).toBe('AlreadyInProgressError');
      expect(busy.record).toMatchObject({ status: 'processing', format: 'idemscope', consumer: name });
      expect(busy.record.owner).toEqual(expect.any(String));
      expect(busy.record.leaseExpiresAt).toBeGreaterThan(Date.now() - 5_000);
      expect(busy.context).toMatchObject({ key: order.id.toLowerCase(), consumer: name, store: store.name });
      expect(await running).toBe('done');
    });

    it('rejects a different payload under a used key, and accepts the same payload in any key order', async () => {
      const handle = idempotent(async (o: Order) => ({ charged: o.amount }), {
        store,
        consumer: consumer('pay'),
        key: (o) => o.id,
        fingerprint: (o) => o,
      });
      const id = harness.newKey();

      await handle({ id, amount: 10, note: 'a' });
      const reordered = await handle.process({ note: 'a', amount: 10, id });
      const error = await handle({ id, amount: 99, note: 'a' }).catch((e: unknown) => e);

      expect(reordered).toMatchObject({ outcome: 'duplicate', result: { charged: 10 } });
      expect(error).toBeInstanceOf(PayloadMismatchError);
      expect((error as PayloadMismatchError).record.result).toEqual({ charged: 10 });
      expect((error as PayloadMismatchError).context.fingerprint).toEqual(expect.stringMatching(/^[0-9a-f]{64}$/));
    });

    it('rejects a different payload while the first one is still in flight', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const handle = idempotent(async (o: Order) => (await gate, o.amount), {
        store,
        consumer: consumer('pay-busy'),
        key: (o) => o.id,
        fingerprint: (o) => o.amount,
      });
      const id = harness.newKey();

      const running = handle({ id, amount: 1 });
      await until(async () => (await store.get(id))?.status === 'processing');
      const error = await handle({ id, amount: 2 }).catch((e: unknown) => e);
      release();

      expect(error).toBeInstanceOf(PayloadMismatchError);
      expect(await running).toBe(1);
    });

    it('raises MissingIdempotencyKeyError without running the handler', async () => {
      let runs = 0;
      const handle = idempotent(async () => ++runs, { store, consumer: consumer('nokey'), key: (o: Partial<Order>) => o.id });

      await expect(handle({})).rejects.toBeInstanceOf(MissingIdempotencyKeyError);
      await expect(handle({ id: '' })).rejects.toThrow(MissingIdempotencyKeyError);
      // A null key must not become the string "null", one key shared by every such message.
      await expect(handle({ id: null as unknown as string })).rejects.toBeInstanceOf(MissingIdempotencyKeyError);
      expect(runs).toBe(0);
    });

    it('releases the claim when the handler throws, rethrows its own error, and lets a retry run', async () => {
      const boom = new Error('payment gateway down');
      let runs = 0;
      const handle = idempotent(
        async (o: Order) => {
          if (++runs === 1) throw boom;
          return `charged ${o.id}`;
        },
        { store, consumer: consumer('retry'), key: (o) => o.id },
      );
      const order = { id: harness.newKey() };

      const error = await handle(order).catch((e: unknown) => e);
      expect(error).toBe(boom);
      const failed = await store.get(order.id);
      expect(failed).toMatchObject({ status: 'failed', format: 'idemscope', consumer: expect.stringMatching(/^retry-/) });
      expect(failed?.owner).toBeUndefined();

      const retry = await handle.process(order);
      expect(retry.result).toBe(`charged ${order.id}`);
      expect(retry.outcome).toBe('takeover');
      expect(await handle(order)).toBe(`charged ${order.id}`);
      expect(runs).toBe(2);
    });

    it('lets another delivery take over an expired lease, and tells the late owner LeaseLostError', async () => {
      const name = consumer('slow');
      const runs: string[] = [];
      let wake!: () => void;
      const stalled = new Promise<void>((resolve) => (wake = resolve));
      const handle = idempotent(
        async (o: Order) => {
          runs.push(o.note!);
          if (o.note === 'slow') await stalled;
          return o.note;
        },
        { store, consumer: name, key: (o) => o.id, leaseMs: 200 },
      );
      const id = harness.newKey();

      const slow = handle({ id, note: 'slow' }).catch((e: unknown) => e);
      await until(async () => (await store.get(id))?.status === 'processing');
      await sleep((await store.get(id))!.leaseExpiresAt! - Date.now() + 50);
      const fast = await handle.process({ id, note: 'fast' });
      wake();
      const late = await slow;

      expect(fast).toMatchObject({ outcome: 'takeover', result: 'fast' });
      expect(late).toBeInstanceOf(LeaseLostError);
      expect((late as LeaseLostError).context).toMatchObject({ consumer: name });
      expect(runs).toEqual(['slow', 'fast']);
      expect((await store.get(id))?.result).toBe('fast');
    });

    it('runs the side effect exactly once for 60 concurrent deliveries from 4 consumers on their own connections', async () => {
      const consumers = await Promise.all([1, 2, 3, 4].map(() => harness.connect()));
      try {
        const id = harness.newKey();
        const effects: string[] = [];
        const handlers = consumers.map((c, i) =>
          idempotent(
            async (o: Order) => {
              effects.push(`consumer ${i}`);
              await sleep(30);
              return { shippedBy: i, order: o.id };
            },
            { store: c.store, consumer: `fleet-${consumerSeq}-${i}`, key: (o) => o.id },
          ),
        );

        const settled = await Promise.allSettled(Array.from({ length: 60 }, (_, n) => handlers[n % 4]!.process({ id })));

        expect(effects).toHaveLength(1);
        const processed = settled.filter((s) => s.status === 'fulfilled' && s.value.outcome === 'processed');
        const replayed = settled.filter((s) => s.status === 'fulfilled' && s.value.outcome === 'duplicate');
        const busy = settled.filter((s) => s.status === 'rejected' && s.reason instanceof AlreadyInProgressError);
        expect(processed).toHaveLength(1);
        expect(processed.length + replayed.length + busy.length).toBe(60);
        const winner = (processed[0] as PromiseFulfilledResult<{ result: unknown }>).value.result;
        for (const r of replayed) expect((r as PromiseFulfilledResult<{ result: unknown }>).value.result).toEqual(winner);
      } finally {
        await Promise.all(consumers.map((c) => c.close()));
      }
    });

    it('keeps 200 different messages in flight through one store apart: each runs once, each duplicate gets its own result', async () => {
      const name = consumer('burst');
      const runs = new Map<string, number>();
      const handle = idempotent(
        async (o: Order) => {
          runs.set(o.id, (runs.get(o.id) ?? 0) + 1);
          return { id: o.id };
        },
        { store, consumer: name, key: (o) => o.id },
      );
      const ids = Array.from({ length: 200 }, () => harness.newKey());

      const first = await Promise.all(ids.map((id) => handle.process({ id })));
      const again = await Promise.all(ids.map((id) => handle.process({ id })));

      expect(first.every((p, i) => p.outcome === 'processed' && (p.result as Order).id === ids[i])).toBe(true);
      expect(again.every((p, i) => p.outcome === 'duplicate' && (p.result as Order).id === ids[i])).toBe(true);
      expect([...runs.values()].every((n) => n === 1) && runs.size === 200).toBe(true);
      expect(await harness.counters(name)).toMatchObject({ deliveries: 400, first: 200, duplicates: 200, inProgress: 0 });
    });

    it('recovers a message whose consumer process was killed mid-handler: exactly one redelivery runs it', async () => {
      const id = harness.newKey();
      const crashed = consumer('crashed');
      await crashConsumerMidHandler({ ...harness.fixtureStore, key: id, consumer: crashed, leaseMs: '500' });

      const orphan = await store.get(id);
      expect(orphan).toMatchObject({ status: 'processing', format: 'idemscope', consumer: crashed });
      await sleep(Math.max(0, orphan!.leaseExpiresAt! - Date.now()) + 100);

      const consumers = await Promise.all([1, 2, 3, 4].map(() => harness.connect()));
      try {
        const effects: number[] = [];
        const handlers = consumers.map((c, i) =>
          idempotent(
            async () => {
              effects.push(i);
              await sleep(30);
              return 'recovered';
            },
            { store: c.store, consumer: `rescuer-${consumerSeq}-${i}`, key: (o: Order) => o.id, leaseMs: 10_000 },
          ),
        );
        const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => handlers[n % 4]!.process({ id })));

        expect(effects).toHaveLength(1);
        const outcomes = settled.map((s) => (s.status === 'fulfilled' ? s.value.outcome : (s.reason as Error).name));
        expect(outcomes.filter((o) => o === 'takeover')).toHaveLength(1);
        expect(outcomes.every((o) => ['takeover', 'duplicate', 'AlreadyInProgressError'].includes(o))).toBe(true);
        expect(await store.get(id)).toMatchObject({ status: 'completed', result: 'recovered' });
      } finally {
        await Promise.all(consumers.map((c) => c.close()));
      }
    });

    it('counts every delivery exactly: deliveries = first + duplicates, conflicts and failures apart', async () => {
      const name = consumer('counted');
      let fail = true;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const handle = idempotent(
        async (o: Order) => {
          if (o.note === 'hold') await gate;
          if (o.note === 'flaky' && fail) {
            fail = false;
            throw new Error('flaky');
          }
          return o.note ?? null;
        },
        { store, consumer: name, key: (o) => o.id },
      );
      const [a, b, c] = [harness.newKey(), harness.newKey(), harness.newKey()];

      await handle({ id: a });
      await handle({ id: a });
      await handle({ id: a });
      const held = handle({ id: b, note: 'hold' });
      await until(async () => (await store.get(b))?.status === 'processing');
      await handle({ id: b }).catch(() => undefined);
      release();
      await held;
      await handle({ id: c, note: 'flaky' }).catch(() => undefined);
      await handle({ id: c, note: 'flaky' });

      expect(await harness.counters(name)).toEqual({
        deliveries: 7,
        first: 3,
        duplicates: 4,
        inProgress: 1,
        failures: 1,
        releases: 0,
      });
    });

    it('counts a delivery after a failed handler as a duplicate that takes the failed record over, with the same counter deltas in every store', async () => {
      const name = consumer('failed-then-retried');
      let fail = true;
      let runs = 0;
      const handle = idempotent(
        async (o: Order) => {
          runs++;
          if (fail) throw new Error('gateway down');
          return { charged: o.amount };
        },
        { store, consumer: name, key: (o) => o.id, fingerprint: (o) => o },
      );
      const id = harness.newKey();
      const zero = await harness.counters(name);

      await expect(handle({ id, amount: 5 })).rejects.toThrow('gateway down');
      const afterFailure = await harness.counters(name);
      const mismatch = await handle({ id, amount: 6 }).catch((e: unknown) => e);
      const afterMismatch = await harness.counters(name);
      fail = false;
      const retry = await handle.process({ id, amount: 5 });
      const afterRetry = await harness.counters(name);
      const replay = await handle.process({ id, amount: 5 });
      const afterReplay = await harness.counters(name);

      expect(mismatch).toBeInstanceOf(PayloadMismatchError);
      expect((mismatch as PayloadMismatchError).record).toMatchObject({ status: 'failed' });
      expect(retry).toMatchObject({ outcome: 'takeover', result: { charged: 5 } });
      expect(replay).toMatchObject({ outcome: 'duplicate', result: { charged: 5 } });
      expect(runs).toBe(2);
      const delta = (after: Counters, before: Counters) =>
        Object.fromEntries(Object.keys(after).map((c) => [c, after[c as keyof Counters] - before[c as keyof Counters]]));
      expect(delta(afterFailure, zero)).toEqual({ deliveries: 1, first: 1, duplicates: 0, inProgress: 0, failures: 1, releases: 0 });
      expect(delta(afterMismatch, afterFailure)).toEqual({ deliveries: 1, first: 0, duplicates: 1, inProgress: 0, failures: 0, releases: 0 });
      expect(delta(afterRetry, afterMismatch)).toEqual({ deliveries: 1, first: 0, duplicates: 1, inProgress: 0, failures: 0, releases: 0 });
      expect(delta(afterReplay, afterRetry)).toEqual({ deliveries: 1, first: 0, duplicates: 1, inProgress: 0, failures: 0, releases: 0 });
    });

    it('replays a plain-recipe completed entry as a duplicate without running the handler', async () => {
      const key = harness.newKey();
      const expected = await harness.writePlainCompleted(key);
      let runs = 0;
      const handle = idempotent(async () => ++runs, { store, consumer: consumer('adopt'), key: () => key, fingerprint: () => 'x' });

      expect(await handle.process({})).toMatchObject({ outcome: 'duplicate', result: expected });
      expect(runs).toBe(0);
      expect(await store.get(key)).toMatchObject({ status: 'completed', format: 'plain' });
    });

    it('treats the plain recipe in-flight marker as a conflict', async (ctx) => {
      if (!harness.writePlainInFlight) return ctx.skip('the store has no plain in-flight marker');
      const key = harness.newKey();
      await harness.writePlainInFlight!(key);
      let runs = 0;
      const handle = idempotent(async () => ++runs, { store, consumer: consumer('plain-busy'), key: () => key });

      const error = await handle({}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlreadyInProgressError);
      expect((error as AlreadyInProgressError).record).toEqual({ key, status: 'processing', format: 'plain' });
      expect(runs).toBe(0);
    });

    it('wraps a store failure in StoreError with the driver error as cause', async () => {
      const broken = await harness.connectBroken();
      try {
        const handle = idempotent(async () => 'never', { store: broken.store, consumer: consumer('down'), key: () => harness.newKey() });
        const error = await handle({}).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect((error as StoreError).cause).toBeInstanceOf(Error);
        expect((error as StoreError).context).toMatchObject({ operation: 'claim', store: broken.store.name });
      } finally {
        await broken.close();
      }
    });
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

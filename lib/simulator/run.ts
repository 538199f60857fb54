import { randomUUID } from 'node:crypto';
import type { RedisClientType, RedisClusterType } from 'redis';
import { PostgresStore, RedisStore, type IdempotencyStore, type Queryable } from '../idempotency';
import { ConsumerGroup, type GroupTally, type SimulatedMessage } from './consumer-group';
import type { SimulationOptions } from './options';
import { writePlainRecipeKey, type PlainRecipeTally } from './plain-recipe';

type ClosablePool = Queryable & { end(): Promise<void> };

/** Connections the simulator may open: one per consumer, as separate services would. Redis clients come connected. */
export interface SimulationConnections {
  redis?: () => Promise<RedisClientType | RedisClusterType>;
  /** The Redis connections are Redis Cluster clients: the library tags its keys with this many slot groups. */
  cluster?: { slotGroups: number };
  /** A pg Pool or anything else the library's PostgresStore can query and the run can close. */
  postgres?: () => ClosablePool;
}

export interface GroupSummary extends Omit<GroupTally, 'sideEffects' | 'unique'> {
  uniqueMessages: number;
  processedMessages: number;
  /** Messages whose claim a crash left in flight and the broker dead-lettered. */
  leftInFlight: number;
  sideEffects: number;
  /** Largest number of side effects any single message had: 1 when idempotency held. */
  maxSideEffectsPerMessage: number;
  duplicateDeliveries: number;
}

export interface SimulationSummary {
  seconds: number;
  produced: number;
  producerRetries: number;
  rebalances: number;
  groups: GroupSummary[];
  plain: PlainRecipeTally;
  /** True when every group ran each message's side effect exactly once. */
  exactlyOnce: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function summarise(group: GroupTally): GroupSummary {
  const { sideEffects, unique, ...counts } = group;
  const perMessage = [...sideEffects.values()];
  return {
    ...counts,
    uniqueMessages: unique.size,
    processedMessages: sideEffects.size,
    leftInFlight: unique.size - sideEffects.size,
    sideEffects: perMessage.reduce((a, b) => a + b, 0),
    maxSideEffectsPerMessage: Math.max(0, ...perMessage),
    duplicateDeliveries: counts.deliveries - unique.size,
  };
}

/**
 * Produces messages at `rate` for `duration` seconds into one consumer group
 * per store, with producer retries, rebalance replays, failing and crashing
 * handlers, then drains the redeliveries and reports what happened.
 */
export async function runSimulation(
  options: SimulationOptions,
  connections: SimulationConnections,
  control: { signal?: AbortSignal; random?: () => number; log?: (line: string) => void } = {},
): Promise<SimulationSummary> {
  const random = control.random ?? Math.random;
  const log = control.log ?? (() => undefined);
  const redisClients: (RedisClientType | RedisClusterType)[] = [];
  const pools: ClosablePool[] = [];
  const groups: ConsumerGroup[] = [];
  const times = (n: number, make: () => IdempotencyStore) => Array.from({ length: n }, make);

  if (options.stores !== 'postgres') {
    if (!connections.redis) throw new Error('a Redis connection factory is needed for --stores ' + options.stores);
    const open = connections.redis;
    const clients = await Promise.all(Array.from({ length: options.consumers }, () => open()));
    redisClients.push(...clients);
    const cluster = connections.cluster ?? false;
    const stores = clients.map((client) => new RedisStore(client, { keyPrefix: options.keyPrefix, statsPrefix: options.statsPrefix, cluster }));
    groups.push(new ConsumerGroup('orders-service', stores, (m) => `order:${m.orderId}`, options, random));
  }
  if (options.stores !== 'redis') {
    if (!connections.postgres) throw new Error('a Postgres pool factory is needed for --stores ' + options.stores);
    const open = connections.postgres;
    const stores = times(options.consumers, () => {
      const pool = open();
      pools.push(pool);
      return new PostgresStore(pool);
    });
    groups.push(new ConsumerGroup('payments-service', stores, (m) => m.id, options, random));
  }

  const plainClient = options.stores !== 'postgres' && options.plainRate > 0 ? await connections.redis!() : undefined;
  if (plainClient) redisClients.push(plainClient);
  const plain: PlainRecipeTally = { written: 0, leftProcessing: 0, withoutTtl: 0, deletedAfterFailure: 0 };

  const started = Date.now();
  let produced = 0;
  let producerRetries = 0;
  let rebalances = 0;
  let plainDue = 0;
  const endless = options.duration === 0;
  const deadline = started + options.duration * 1000;
  let nextReport = started + options.reportEvery * 1000;
  let nextRebalance = options.rebalanceEvery > 0 ? started + options.rebalanceEvery * 1000 : Infinity;
  const publish = (message: SimulatedMessage) => groups.forEach((g) => g.publish(message));
  // Order ids are unique per run: a second run over the same store must not
  // meet the first run's records under the same keys with other payloads.
  const runTag = started.toString(36);

  const tickMs = 50;
  while (!control.signal?.aborted && (endless || Date.now() < deadline)) {
    const due = Math.floor(((Date.now() - started) / 1000) * options.rate) - produced;
    for (let i = 0; i < due; i++) {
      const message: SimulatedMessage = {
        id: randomUUID(),
        orderId: `${runTag}-${produced}`,
        amountCents: 100 + Math.floor(random() * 99_900),
      };
      produced++;
      publish(message);
      if (random() < options.producerRetry) {
        producerRetries++;
        setTimeout(() => groups.forEach((g) => g.broker.publish(message, 2)), random() * 200);
      }
    }
    if (plainClient) {
      plainDue += (options.plainRate * tickMs) / 1000;
      for (; plainDue >= 1; plainDue--) {
        await writePlainRecipeKey(plainClient, `${options.keyPrefix}legacy:${randomUUID()}`, random, plain).catch(() => undefined);
      }
    }
    if (Date.now() >= nextRebalance) {
      rebalances++;
      groups.forEach((g) => g.rebalance());
      nextRebalance += options.rebalanceEvery * 1000;
    }
    if (Date.now() >= nextReport) {
      log(progressLine(Date.now() - started, produced, groups));
      nextReport += options.reportEvery * 1000;
    }
    await sleep(tickMs);
  }

  // Let redeliveries after crashes (lease + a little) and failures run out.
  const drainUntil = Date.now() + options.leaseMs * 3 + 15_000;
  await sleep(250);
  while (Date.now() < drainUntil && !groups.every((g) => g.idle)) await sleep(50);

  await Promise.all(groups.map((g) => g.close()));
  await Promise.all([...redisClients.map((c) => c.close().catch(() => undefined)), ...pools.map((p) => p.end())]);

  const summaries = groups.map((g) => summarise(g.tally));
  return {
    seconds: (Date.now() - started) / 1000,
    produced,
    producerRetries,
    rebalances,
    groups: summaries,
    plain,
    exactlyOnce: summaries.every((g) => g.maxSideEffectsPerMessage <= 1 && g.sideEffects === g.processedMessages),
  };
}

function progressLine(elapsedMs: number, produced: number, groups: ConsumerGroup[]): string {
  const parts = groups.map((g) => {
    const t = g.tally;
    return `${t.store}: ${t.deliveries} deliveries, ${t.deliveries - t.unique.size} duplicates, ${t.sideEffects.size} processed`;
  });
  return `[${Math.round(elapsedMs / 1000)}s] produced ${produced}; ${parts.join('; ')}`;
}

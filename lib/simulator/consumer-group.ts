import { AlreadyInProgressError, PayloadMismatchError, idempotent, type IdempotencyStore } from '../idempotency';
import { Broker, type Delivery } from './broker';
import type { SimulationOptions } from './options';

export interface SimulatedMessage {
  /** The producer's UUID for this message (the Postgres store's key). */
  id: string;
  /** The business key (the Redis store's key). */
  orderId: string;
  amountCents: number;
}

/** Per-delivery fate, decided by the dice before the handler runs. */
interface DeliveryContext {
  message: SimulatedMessage;
  fate: 'ok' | 'fail' | 'crash';
  crashed: () => void;
}

class SimulatedHandlerFailure extends Error {
  override readonly name = 'SimulatedHandlerFailure';
}

export interface GroupTally {
  store: string;
  consumer: string;
  deliveries: number;
  answeredFromStore: number;
  inProgressConflicts: number;
  takeovers: number;
  failures: number;
  crashes: number;
  storeErrors: number;
  /** Deliveries refused because their key was already used for another payload; dead-lettered. */
  payloadMismatches: number;
  replayed: number;
  /** Side effects per message key: the handler's "charge the customer". */
  sideEffects: Map<string, number>;
  unique: Set<string>;
}

const WORKERS_PER_CONSUMER = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One service's consumer group: several consumers, each with its own store
 * connection, reading one at-least-once broker and running an idempotent
 * handler whose side effect must happen once per message.
 */
export class ConsumerGroup {
  readonly broker: Broker<SimulatedMessage>;
  readonly tally: GroupTally;
  private busy = 0;
  private readonly loops: Promise<void>[] = [];

  constructor(
    readonly consumer: string,
    stores: IdempotencyStore[],
    private readonly keyOf: (message: SimulatedMessage) => string,
    private readonly options: SimulationOptions,
    private readonly random: () => number,
  ) {
    this.broker = new Broker(Math.max(options.replay, 1));
    this.tally = {
      store: stores[0]!.name,
      consumer,
      deliveries: 0,
      answeredFromStore: 0,
      inProgressConflicts: 0,
      takeovers: 0,
      failures: 0,
      crashes: 0,
      storeErrors: 0,
      payloadMismatches: 0,
      replayed: 0,
      sideEffects: new Map(),
      unique: new Set(),
    };
    for (const store of stores) {
      const handle = idempotent(this.handler, {
        store,
        consumer,
        key: (context: DeliveryContext) => keyOf(context.message),
        leaseMs: options.leaseMs,
        fingerprint: (context: DeliveryContext) => context.message,
      });
      for (let w = 0; w < WORKERS_PER_CONSUMER; w++) this.loops.push(this.work(handle.process));
    }
  }

  publish(message: SimulatedMessage): void {
    this.tally.unique.add(this.keyOf(message));
    this.broker.publish(message);
  }

  rebalance(): void {
    this.tally.replayed += this.broker.replay(this.options.replay);
  }

  /** No delivery waiting, scheduled or being handled (crashed handlers excepted). */
  get idle(): boolean {
    return this.busy === 0 && this.broker.idle;
  }

  async close(): Promise<void> {
    this.broker.close();
    await Promise.all(this.loops);
  }

  private readonly handler = async (context: DeliveryContext) => {
    await sleep(2 + this.random() * 20);
    if (context.fate === 'fail') throw new SimulatedHandlerFailure('payment gateway timed out');
    if (context.fate === 'crash') {
      context.crashed();
      // The process is gone: nothing after this point ever runs, nothing is released.
      await new Promise(() => undefined);
    }
    const key = this.keyOf(context.message);
    this.tally.sideEffects.set(key, (this.tally.sideEffects.get(key) ?? 0) + 1);
    return { charged: context.message.amountCents, orderId: context.message.orderId };
  };

  private async work(process: (context: DeliveryContext) => Promise<{ outcome: string }>): Promise<void> {
    for (let delivery = await this.broker.next(); delivery; delivery = await this.broker.next()) {
      this.busy++;
      try {
        await this.deliver(process, delivery);
      } finally {
        this.busy--;
      }
    }
  }

  private async deliver(process: (context: DeliveryContext) => Promise<{ outcome: string }>, delivery: Delivery<SimulatedMessage>): Promise<void> {
    const { tally, options } = this;
    tally.deliveries++;
    const roll = this.random();
    const fate = roll < options.crash ? 'crash' : roll < options.crash + options.failure ? 'fail' : 'ok';
    let signalCrash!: () => void;
    const crashed = new Promise<'crashed'>((resolve) => (signalCrash = () => resolve('crashed')));
    try {
      const result = await Promise.race([process({ message: delivery.message, fate, crashed: signalCrash }), crashed]);
      if (result === 'crashed') {
        tally.crashes++;
        // A dead-lettered message is never redelivered: its claim stays stuck for an operator to see.
        if (this.random() >= options.abandon) this.broker.redeliverLater(delivery, options.leaseMs + 100);
        return;
      }
      if (result.outcome === 'duplicate') tally.answeredFromStore++;
      if (result.outcome === 'takeover') tally.takeovers++;
    } catch (error) {
      if (error instanceof SimulatedHandlerFailure) {
        tally.failures++;
        this.broker.redeliverLater(delivery, 50);
      } else if (error instanceof PayloadMismatchError) {
        // Retrying cannot help: the key belongs to another payload. A real consumer dead-letters it.
        tally.payloadMismatches++;
      } else if (error instanceof AlreadyInProgressError) {
        tally.inProgressConflicts++;
        // Nack and come back later, as a consumer does on a lock it does not hold.
        this.broker.redeliverLater(delivery, Math.min(options.leaseMs / 2, 5000));
      } else {
        tally.storeErrors++;
        this.broker.redeliverLater(delivery, 500);
      }
    }
  }
}

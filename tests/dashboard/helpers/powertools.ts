import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import { createClient } from '@redis/client';
import { vi } from 'vitest';
import { TEST_REDIS_URL } from '../../helpers/redis-client';

const newClient = (url = TEST_REDIS_URL) => createClient({ url });
export type PowertoolsClient = ReturnType<typeof newClient>;
export type PowertoolsEvent = Record<string, string | number>;

export async function connectPowertoolsClient(url = TEST_REDIS_URL): Promise<PowertoolsClient> {
  const client = newClient(url);
  await client.connect();
  return client;
}

/** The persistence layer, plus the key it derives for an event (protected in the package). */
class KeyedLayer extends CachePersistenceLayer {
  keyFor(event: PowertoolsEvent): string {
    return this.getHashedIdempotencyKey(event as JSONValue);
  }
}

/**
 * Writes records the way AWS Powertools' cache persistence layer does, with
 * the real package; only its clock is moved, to make records that are
 * stuck or expired while Redis still holds them.
 */
export class PowertoolsWriter {
  constructor(
    private readonly client: PowertoolsClient,
    private readonly functionName: string,
  ) {}

  private layer(options: { validate?: boolean } = {}): KeyedLayer {
    const layer = new KeyedLayer({ client: this.client });
    layer.configure({
      config: new IdempotencyConfig({ expiresAfterSeconds: 3600, ...(options.validate ? { payloadValidationJmesPath: 'amount' } : {}) }),
      keyPrefix: this.functionName,
    });
    return layer;
  }

  keyFor(event: PowertoolsEvent): string {
    return this.layer().keyFor(event);
  }

  /** A handler invocation in flight, with Lambda's remaining time as its lease. */
  async inProgress(event: PowertoolsEvent, remainingMs: number | undefined, options: { validate?: boolean; at?: number } = {}): Promise<string> {
    return this.at(options.at, async () => {
      await quietly(() => this.layer(options).saveInProgress(event as JSONValue, remainingMs));
      return this.keyFor(event);
    });
  }

  /** A whole invocation through makeIdempotent, leaving a COMPLETED record. */
  async completed(event: PowertoolsEvent, result: Record<string, JSONValue>, options: { at?: number } = {}): Promise<string> {
    return this.at(options.at, async () => {
      const handler = makeIdempotent(async (e: PowertoolsEvent) => ({ orderId: e.orderId ?? null, ...result }), {
        persistenceStore: new CachePersistenceLayer({ client: this.client }),
        config: new IdempotencyConfig({ expiresAfterSeconds: 3600 }),
        keyPrefix: this.functionName,
      });
      await quietly(() => handler(event));
      return this.keyFor(event);
    });
  }

  private async at<T>(epochMs: number | undefined, write: () => Promise<T>): Promise<T> {
    if (epochMs === undefined) return write();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(epochMs);
    try {
      return await write();
    } finally {
      vi.useRealTimers();
    }
  }
}

/** Outside Lambda, Powertools warns that it has no remaining-time context; expected here. */
async function quietly<T>(write: () => Promise<T>): Promise<T> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    return await write();
  } finally {
    warn.mockRestore();
  }
}

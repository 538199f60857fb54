import { idempotent, RedisStore } from '../../../lib/idempotency';
import { newRedisClient, type TestRedisClient } from '../../helpers/redis-client';
import { formatContract, type ExpectedRecord } from './format-contract';

/** Idemscope's own records, written by the processor library (lib/idempotency) over Redis. */
formatContract('idemscope', () => {
  let consumer: TestRedisClient | null = null;
  let finish: () => void = () => undefined;
  return {
    format: 'idemscope',
    signed: true,
    async write(redis, prefix) {
      consumer = await newRedisClient();
      const keyPrefix = `${prefix}lib:`;
      const store = new RedisStore(consumer, { keyPrefix, statsPrefix: `${prefix}stats:` });
      const gate = new Promise<void>((resolve) => (finish = resolve));
      const handler = idempotent(
        async (m: { id: string; mode: 'hang' | 'ok' | 'fail' }) => {
          if (m.mode === 'hang') await gate;
          if (m.mode === 'fail') throw new Error('declined');
          return { ok: m.id };
        },
        { store, consumer: 'billing', key: (m) => m.id },
      );
      const records: ExpectedRecord[] = [];
      void handler.process({ id: 'running', mode: 'hang' }).catch(() => undefined);
      await handler.process({ id: 'done', mode: 'ok' });
      await handler.process({ id: 'declined', mode: 'fail' }).catch(() => undefined);
      while ((await redis.exists(`${keyPrefix}running`)) === 0) await new Promise((r) => setTimeout(r, 10));
      records.push({ key: `${keyPrefix}running`, state: 'processing', format: 'idemscope', stuckReason: null, releasable: true });
      records.push({ key: `${keyPrefix}done`, state: 'completed', format: 'idemscope', stuckReason: null, releasable: false });
      records.push({ key: `${keyPrefix}declined`, state: 'failed', format: 'idemscope', stuckReason: null, releasable: false });
      // Someone else's JSON under the library's prefix is no record of ours.
      await redis.set(`${keyPrefix}foreign`, '{"status":"processing"}', { EX: 600 });
      records.push({ key: `${keyPrefix}foreign`, state: 'unrecognized', format: 'unknown', releasable: false });
      return { pattern: `${keyPrefix}*`, records };
    },
    async close() {
      finish();
      await new Promise((r) => setTimeout(r, 50));
      consumer?.destroy();
    },
  };
});

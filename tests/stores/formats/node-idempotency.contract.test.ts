import { Idempotency } from '@node-idempotency/core';
import { RedisStorageAdapter } from '@node-idempotency/storage-adapter-redis';
import { TEST_REDIS_URL } from '../../helpers/redis-client';
import { formatContract, type ExpectedRecord } from './format-contract';

const DAY_MS = 86_400_000;

/** Records written by @node-idempotency/core through its own Redis adapter. */
formatContract('node-idempotency', () => {
  const storage = new RedisStorageAdapter({ url: TEST_REDIS_URL });
  return {
    format: 'node-idempotency',
    signed: true,
    async write(redis, prefix) {
      await storage.connect();
      const cacheKeyPrefix = `${prefix}ni`;
      const idempotency = new Idempotency(storage, { cacheKeyPrefix });
      const request = (key: string, cacheTTLMS = DAY_MS) => ({
        headers: { 'idempotency-key': key },
        path: '/orders',
        method: 'POST',
        body: { order: key },
        options: { cacheTTLMS },
      });
      const keyOf = (key: string) => `${cacheKeyPrefix}:POST:/orders:${key}`;
      const records: ExpectedRecord[] = [];

      await idempotency.onRequest(request('fresh'));
      records.push({ key: keyOf('fresh'), state: 'processing', format: 'node-idempotency', stuckReason: null, releasable: true });

      // Claimed with a TTL ten minutes shorter than the configured 24 h: ten minutes old, past the 300 s threshold.
      await idempotency.onRequest(request('old', DAY_MS - 600_000));
      records.push({ key: keyOf('old'), state: 'stuck', format: 'node-idempotency', stuckReason: 'older-than-threshold', releasable: true });

      await idempotency.onRequest(request('done'));
      await idempotency.onResponse(request('done'), { body: { shipped: true } });
      records.push({ key: keyOf('done'), state: 'completed', format: 'node-idempotency', stuckReason: null, releasable: false });

      // Something else under the same pattern: of no known shape, so never completed.
      await redis.set(keyOf('foreign'), '{"ok":1}', { PX: DAY_MS });
      records.push({ key: keyOf('foreign'), state: 'unrecognized', format: 'unknown', releasable: false });
      return { pattern: `${cacheKeyPrefix}:*`, records };
    },
    async close() {
      await storage.disconnect();
    },
  };
});

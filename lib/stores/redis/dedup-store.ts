import { BulkLimitError } from '../../errors';
import { InvalidParameterError } from '../../errors';
import type { StoreSettings } from '../settings';
import type { DedupStore } from '../store';
import { redisAccess } from './access';
import type { RedisClient } from './connection';
import { keyMatcher } from './keyspace';
import { previewRedisPurge, purgeKeys, retentionSeconds } from './purge';
import { previewKeys, previewStuckKeys, releaseKeys } from './release';

export function redisDedupStore(client: RedisClient, settings: StoreSettings, now: () => number = Date.now): DedupStore {
  const redis = redisAccess(client, settings, now);
  const allowed = keyMatcher(settings);
  const normaliseTarget = (key: string, field: string) => {
    if (!allowed(key)) throw new InvalidParameterError(field, `is not under IDEMSCOPE_KEY_PATTERNS (${settings.keyPatterns.join(', ')})`);
    return key;
  };
  return {
    name: 'redis',
    normaliseTarget,
    previewRelease: (scope) => ('keys' in scope ? previewKeys(redis, scope.keys) : previewStuckKeys(redis, scope.olderThanSeconds)),
    release: (targets) => releaseKeys(redis, targets),
    previewPurge: () => previewRedisPurge(redis),

    planPurge(request) {
      if (!request.mode) throw new InvalidParameterError('mode', 'is required: "expire" (apply the retention as TTL) or "delete"');
      if (!request.keys) throw new InvalidParameterError('keys', 'is required: the {key, seen} items of the preview');
      if (request.keys.length > settings.bulkLimit) throw new BulkLimitError(settings.bulkLimit, request.keys.length);
      if (!request.reason) throw new InvalidParameterError('reason', 'is required for a purge');
      request.keys.forEach((k, i) => normaliseTarget(k.key, `keys.${i}`));
      const mode = request.mode;
      const items = [...new Map(request.keys.map((k) => [k.key, k])).values()];
      return {
        action: `purge.redis.${mode}`,
        parameters: { mode, requestedTargets: items.length, ...(mode === 'expire' ? { ttlSeconds: retentionSeconds(settings) } : {}) },
        identity: { mode, targets: items },
        async execute(actionId) {
          const { purged, skipped } = await purgeKeys(redis, mode, items);
          return {
            body: { actionId, store: 'redis', mode, purged, skipped },
            targets: items.map((i) => i.key),
            seen: items.map((i) => ({ key: i.key, seen: i.seen })),
            result: { purged: purged.length, skipped: skipped.length },
          };
        },
      };
    },
  };
}

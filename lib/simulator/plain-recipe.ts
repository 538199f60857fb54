import type { RedisClientType, RedisClusterType } from 'redis';

export interface PlainRecipeTally {
  written: number;
  leftProcessing: number;
  withoutTtl: number;
  /** Claims deleted again because the handler failed, as the recipe does. */
  deletedAfterFailure: number;
}

/** The two commands the recipe uses; a cluster client's route each key to its master. */
export type PlainRecipeClient = Pick<RedisClientType, 'set' | 'del'> | Pick<RedisClusterType, 'set' | 'del'>;

const DAY_SECONDS = 86400;

/**
 * Writes keys exactly as a service following the common Redis recipe does:
 * `SET <key> processing NX EX 86400`, then the JSON result with `EX 86400`,
 * or `DEL <key>` when the handler fails so that the retry can claim it.
 * Some of its instances crash after the claim (the key stays `processing`),
 * and one buggy instance stores the result without EX, which silently drops
 * the TTL: the classic leak the dashboard flags as no-expiry.
 */
export async function writePlainRecipeKey(
  redis: PlainRecipeClient,
  key: string,
  random: () => number,
  tally: PlainRecipeTally,
): Promise<void> {
  const claimed = await redis.set(key, 'processing', { condition: 'NX', expiration: { type: 'EX', value: DAY_SECONDS } });
  if (claimed !== 'OK') return;
  tally.written++;
  const roll = random();
  if (roll < 0.1) {
    tally.leftProcessing++;
    return;
  }
  const result = JSON.stringify({ status: 'shipped', at: new Date().toISOString() });
  if (roll < 0.2) {
    await redis.set(key, result);
    tally.withoutTtl++;
    return;
  }
  if (roll < 0.25) {
    await redis.del(key);
    tally.deletedAfterFailure++;
    return;
  }
  await redis.set(key, result, { expiration: { type: 'EX', value: DAY_SECONDS } });
}

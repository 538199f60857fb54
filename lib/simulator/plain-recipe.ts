import type { Redis } from 'ioredis';

export interface PlainRecipeTally {
  written: number;
  leftProcessing: number;
  withoutTtl: number;
}

/**
 * Writes keys exactly as a service following the common Redis recipe does:
 * `SET <key> processing NX EX 86400`, then the JSON result with `EX 86400`.
 * Some of its instances crash after the claim (the key stays `processing`),
 * and one buggy instance stores the result without EX, which silently drops
 * the TTL: the classic leak the dashboard flags as no-expiry.
 */
export async function writePlainRecipeKey(
  redis: Redis,
  key: string,
  random: () => number,
  tally: PlainRecipeTally,
): Promise<void> {
  const claimed = await redis.set(key, 'processing', 'EX', 86400, 'NX');
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
  await redis.set(key, result, 'EX', 86400);
}

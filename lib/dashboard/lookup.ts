import type { KeyDetail, LookupResponse, MessageDetail } from '../contract/read';
import type { DashboardDeps } from './deps';
import { describeFailure } from '../errors';
import { getKeyDetail } from './key-detail';
import { getMessageDetail, isUuid } from './messages';

/**
 * Keys an exact search term may name: the term itself, and the term put in
 * place of the single `*` of each pattern that has exactly one wildcard
 * (so `order-42` finds `idempotency:order-42`). A handful of GETRANGEs, never a SCAN.
 */
export function candidateKeys(q: string, patterns: readonly string[]): string[] {
  const out = new Set<string>([q]);
  for (const pattern of patterns) {
    if (/[?[\]\\]/.test(pattern)) continue;
    const parts = pattern.split('*');
    if (parts.length === 2) out.add(parts[0] + q + parts[1]);
  }
  return [...out];
}

/** Exact lookup of a key or message id in both stores; one store failing leaves the other's answer. */
export async function lookup(deps: DashboardDeps, q: string): Promise<LookupResponse> {
  const [redis, postgres] = await Promise.allSettled([
    Promise.all(candidateKeys(q, deps.config.keyPatterns.map((p) => p.pattern)).map((key) => getKeyDetail(deps, key))),
    isUuid(q) ? getMessageDetail(deps, q) : Promise.resolve(null),
  ]);
  return {
    q,
    redis:
      redis.status === 'fulfilled'
        ? { reachable: true, error: null, matches: redis.value.filter((d): d is KeyDetail => d !== null) }
        : { reachable: false, error: describeFailure(redis.reason), matches: [] },
    postgres:
      postgres.status === 'fulfilled'
        ? { reachable: true, error: null, match: postgres.value as MessageDetail | null }
        : { reachable: false, error: describeFailure(postgres.reason), match: null },
  };
}

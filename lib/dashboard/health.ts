import type { HealthResponse, PostgresHealth, RedisHealth } from '../contract/read';
import type { DashboardDeps } from './deps';
import { describeFailure } from '../errors';

/** A probe that has not answered by then counts as unreachable; the page must not hang on it. */
const PROBE_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function redisHealth(deps: DashboardDeps): Promise<RedisHealth> {
  try {
    const probe = await withTimeout(deps.redis.probe(), PROBE_TIMEOUT_MS);
    return { reachable: true, error: null, ...probe };
  } catch (error) {
    return { reachable: false, latencyMs: null, error: describeFailure(error), keyspaceSize: null, usedMemoryBytes: null };
  }
}

export async function postgresHealth(deps: DashboardDeps): Promise<PostgresHealth> {
  try {
    const probe = await withTimeout(deps.postgres.probe(), PROBE_TIMEOUT_MS);
    return { reachable: true, error: null, ...probe };
  } catch (error) {
    return { reachable: false, latencyMs: null, error: describeFailure(error), tableBytes: null, statsTableBytes: null, tables: [], unfit: [] };
  }
}

export async function getHealth(deps: DashboardDeps): Promise<HealthResponse> {
  const [redis, postgres] = await Promise.all([redisHealth(deps), postgresHealth(deps)]);
  const up = Number(redis.reachable) + Number(postgres.reachable);
  return {
    generatedAt: new Date(deps.now()).toISOString(),
    status: up === 2 ? 'ok' : up === 1 ? 'degraded' : 'down',
    redis,
    postgres,
  };
}

import type { HealthResponse, PostgresHealth, RedisHealth } from '../contract/read';
import type { DashboardDeps } from './deps';
import { describeFailure } from '../errors';
import { memoryWarning } from './memory-pressure';

/**
 * The probes run under their store's own deadline (lib/stores/*\/guard.ts and
 * the pool's timeouts), so a probe gives up within the same budget as every
 * other call and never keeps a pooled connection past it.
 */
export async function redisHealth(deps: DashboardDeps): Promise<RedisHealth> {
  try {
    const probe = await deps.redis.probe();
    deps.availability.answered('redis');
    return { reachable: true, error: null, ...probe, memoryWarning: memoryWarning(probe.usedMemoryBytes, probe.maxMemoryBytes, probe.maxMemoryPolicy) };
  } catch (error) {
    deps.availability.failed('redis', deps.now(), describeFailure(error));
    return {
      reachable: false,
      latencyMs: null,
      error: describeFailure(error),
      keyspaceSize: null,
      usedMemoryBytes: null,
      maxMemoryBytes: null,
      maxMemoryPolicy: null,
      memoryWarning: null,
    };
  }
}

export async function postgresHealth(deps: DashboardDeps): Promise<PostgresHealth> {
  try {
    const probe = await deps.postgres.probe();
    deps.availability.answered('postgres');
    return { reachable: true, error: null, ...probe };
  } catch (error) {
    deps.availability.failed('postgres', deps.now(), describeFailure(error));
    return { reachable: false, latencyMs: null, error: describeFailure(error), tableBytes: null, statsTableBytes: null, tables: [], unfit: [] };
  }
}

export async function getHealth(deps: DashboardDeps): Promise<HealthResponse> {
  const [redis, postgres] = await Promise.all([redisHealth(deps), postgresHealth(deps)]);
  const up = Number(redis.reachable) + Number(postgres.reachable);
  return {
    generatedAt: new Date(deps.now()).toISOString(),
    status: up === 2 && !redis.memoryWarning ? 'ok' : up === 0 ? 'down' : 'degraded',
    redis,
    postgres,
  };
}

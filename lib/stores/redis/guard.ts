import { describeFailure, StorePrivilegeError, StoreUnavailableError } from '../../errors';
import { isCluster, type RedisClient, type RedisClusterClient, type RedisNodeClient } from './connection';
import { deadlineOf } from './deadline';

// One listener per client for every call waiting on the same reconnection.
const readiness = new WeakMap<RedisClient, Promise<void>>();

function nextReady(client: RedisNodeClient): Promise<void> {
  let waiting = readiness.get(client);
  if (!waiting) {
    waiting = new Promise<void>((resolve) => client.once('ready', () => resolve())).finally(() => readiness.delete(client));
    readiness.set(client, waiting);
  }
  return waiting;
}

/** Waits for a connection that is being set up, within the call's own deadline. */
async function ready(client: RedisClient, deadlineAt: number): Promise<void> {
  if (isCluster(client) ? client.isOpen : client.isReady) return;
  if (!isCluster(client) && !client.isOpen) void client.connect().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([
    (isCluster(client) ? clusterConnected(client) : nextReady(client)).then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadlineAt - performance.now())))),
  ]).finally(() => clearTimeout(timer));
  if (!ok) throw new StoreUnavailableError('redis', client.isOpen ? 'reconnecting' : 'not connected');
}

/**
 * A cluster client is open once it has read the topology from a seed node;
 * one attempt at a time, and a failed one (no seed answered) is retried by
 * the next call. Nodes that fail later are the cluster client's to reconnect.
 */
function clusterConnected(cluster: RedisClusterClient): Promise<void> {
  let waiting = readiness.get(cluster);
  if (!waiting) {
    waiting = cluster
      .connect()
      .then(() => undefined)
      .finally(() => readiness.delete(cluster));
    readiness.set(cluster, waiting);
  }
  return waiting.catch(() => new Promise<void>(() => undefined));
}

function withDeadline<R>(work: Promise<R>, ms: number, deadlineMs: number): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError('redis', `no answer within ${deadlineMs} ms`)), Math.max(0, ms));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Every Redis call of the dashboard goes through this: it fails at once when
 * Redis is known to be down, gives up after the deadline (waiting for a
 * connection included), and turns any failure or error reply into
 * StoreUnavailableError, so no outage is ever read as data. The one error
 * reply read as an answer, WRONGTYPE, is handled inside `fn` (see keyspace.ts).
 */
export function guarded<A extends unknown[], R>(client: RedisClient, fn: (...args: A) => Promise<R>, deadlineMs?: number) {
  return async (...args: A): Promise<R> => {
    const budget = deadlineMs ?? deadlineOf(client);
    const deadlineAt = performance.now() + budget;
    try {
      await ready(client, deadlineAt);
      return await withDeadline(fn(...args), deadlineAt - performance.now(), budget);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      const denied = deniedCommand(error);
      if (denied !== null) throw new StorePrivilegeError('redis', [denied]);
      throw new StoreUnavailableError('redis', redisReason(error), { cause: error });
    }
  };
}

/**
 * What a Redis ACL refused the dashboard's user (`NOPERM`): Redis answers
 * before it runs anything, so nothing was written. Null for any other failure.
 */
function deniedCommand(error: unknown): string | null {
  const text = describeFailure(error);
  if (!/^NOPERM\b/.test(text)) return null;
  const command = /'([a-z|]+)' command/i.exec(text)?.[1];
  return command ? `permission to run ${command.toUpperCase()}` : 'permission for this command or key';
}

/** Plain words for a Redis failure; an error reply keeps its first word (OOM, BUSY, LOADING…). */
function redisReason(error: unknown): string {
  const text = describeFailure(error);
  if (/^OOM\b/.test(text)) return 'out of memory (maxmemory reached): writes are refused';
  if (/^BUSY\b/.test(text)) return 'busy running a script';
  if (/^LOADING\b/.test(text)) return 'loading its dataset';
  if (/^(MASTERDOWN|READONLY)\b/.test(text)) return 'a replica that cannot serve this now';
  if (/Socket closed|ECONNRESET|ECONNREFUSED|closed unexpectedly/i.test(text)) return 'the connection was lost';
  return text;
}

import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { env, ownSchemaName, STORE_DEADLINES } from '../config/env';
import { postgresUnavailableReason, StoreUnavailableError } from '../errors';

/** The Prisma client's type, for modules outside lib/db and lib/stores that pass Idemscope's own database along. */
export type Database = PrismaClient;

/** The deadlines every connection of a pool runs under (see IDEMSCOPE_PG_* in lib/config/env.ts). */
export interface PoolLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  acquireTimeoutMs: number;
}

const DEFAULT_LIMITS: PoolLimits = {
  statementTimeoutMs: STORE_DEADLINES.pgStatementMs,
  lockTimeoutMs: STORE_DEADLINES.pgLockMs,
  acquireTimeoutMs: STORE_DEADLINES.pgAcquireMs,
};

export function poolLimitsFromEnv(): PoolLimits {
  const e = env();
  return {
    statementTimeoutMs: e.IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: e.IDEMSCOPE_PG_LOCK_TIMEOUT_MS,
    acquireTimeoutMs: e.IDEMSCOPE_PG_ACQUIRE_TIMEOUT_MS,
  };
}

/** Client-side margin over statement_timeout: the server cancels first; this catches a server that never answers. */
const READ_TIMEOUT_MARGIN_MS = 1000;

/**
 * A client over its own small pool; tests and scripts use it for databases of their own.
 * Its models live in Idemscope's own schema (IDEMSCOPE_SCHEMA).
 *
 * Every statement runs under the session's statement_timeout and lock_timeout
 * (startup parameters of each connection, not settings of the role), a
 * connection is awaited at most acquireTimeoutMs, and a query the server never
 * answers is abandoned after query_timeout, which destroys its connection so
 * a dead one never goes back to the pool. Any failure that is the store's
 * (unreachable, locked, timed out, out of connections) comes out as
 * StoreUnavailableError with the reason in plain words, never the driver's text.
 */
export function createPrismaClient(
  connectionString: string,
  poolSize = 10,
  limits: PoolLimits = DEFAULT_LIMITS,
  schema = ownSchemaName(),
): PrismaClient {
  const client = new PrismaClient({
    adapter: new PrismaPg({
      connectionString,
      max: poolSize,
      connectionTimeoutMillis: limits.acquireTimeoutMs,
      statement_timeout: limits.statementTimeoutMs,
      lock_timeout: limits.lockTimeoutMs,
      query_timeout: limits.statementTimeoutMs + READ_TIMEOUT_MARGIN_MS,
    }, { schema }),
  });
  return client.$extends({
    query: {
      async $allOperations({ args, query }) {
        try {
          return await query(args);
        } catch (error) {
          throw asStoreFailure(error);
        }
      },
    },
  }) as unknown as PrismaClient;
}

/** The error a caller sees: StoreUnavailableError for a store failure, anything else unchanged. */
export function asStoreFailure(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const reason = postgresUnavailableReason(error);
  return reason === null ? error : new StoreUnavailableError('postgres', reason, { cause: error });
}

// The dashboard's only Prisma client. Kept on globalThis so that Next's dev
// reloads do not open a new pool on every edit.
const holder = globalThis as unknown as { idemscopePrisma?: PrismaClient };

export function prisma(): PrismaClient {
  holder.idemscopePrisma ??= createPrismaClient(env().DATABASE_URL, env().IDEMSCOPE_PG_POOL_SIZE, poolLimitsFromEnv());
  return holder.idemscopePrisma;
}

export async function disconnectPrisma(): Promise<void> {
  await holder.idemscopePrisma?.$disconnect();
  holder.idemscopePrisma = undefined;
}

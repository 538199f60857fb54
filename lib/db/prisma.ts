import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { env, ownSchemaName } from '../config/env';

/** The Prisma client's type, for modules outside lib/db and lib/stores that pass Idemscope's own database along. */
export type Database = PrismaClient;

/**
 * A client over its own small pool; tests and scripts use it for databases of
 * their own. Its models live in Idemscope's own schema (IDEMSCOPE_SCHEMA).
 */
export function createPrismaClient(connectionString: string, poolSize = 10, schema = ownSchemaName()): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: poolSize, connectionTimeoutMillis: 3000 }, { schema }),
  });
}

// The dashboard's only Prisma client. Kept on globalThis so that Next's dev
// reloads do not open a new pool on every edit.
const holder = globalThis as unknown as { idemscopePrisma?: PrismaClient };

export function prisma(): PrismaClient {
  holder.idemscopePrisma ??= createPrismaClient(env().DATABASE_URL);
  return holder.idemscopePrisma;
}

export async function disconnectPrisma(): Promise<void> {
  await holder.idemscopePrisma?.$disconnect();
  holder.idemscopePrisma = undefined;
}

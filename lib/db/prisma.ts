import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
import { env } from '../config/env';

// The dashboard's only Prisma client. Kept on globalThis so that Next's dev
// reloads do not open a new pool on every edit.
const holder = globalThis as unknown as { idemscopePrisma?: PrismaClient };

export function prisma(): PrismaClient {
  holder.idemscopePrisma ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: env().DATABASE_URL, max: 10, connectionTimeoutMillis: 3000 }),
  });
  return holder.idemscopePrisma;
}

export async function disconnectPrisma(): Promise<void> {
  await holder.idemscopePrisma?.$disconnect();
  holder.idemscopePrisma = undefined;
}

import type { PrismaClient } from '../../db/generated/client';
import type { Queryable } from '../../idempotency';

const RETURNS_ROWS = /^\s*(select|with|values)\b|\breturning\b/i;

type Statement = Parameters<Queryable['query']>[0];

/**
 * Lets the library's PostgresStore run on the dashboard's Prisma client
 * instead of a second pool (create the store with `prepare: false`: Prisma
 * has no named statements). Prisma splits "rows" from "affected count" across
 * two calls, so a statement that yields rows (SELECT, WITH … SELECT,
 * RETURNING) is counted by its rows, and any other by the affected count.
 */
export function prismaQueryable(db: PrismaClient): Queryable {
  return {
    async query(statement: Statement, args: unknown[] = []) {
      const text = typeof statement === 'string' ? statement : statement.text;
      const values = typeof statement === 'string' ? args : statement.values;
      if (RETURNS_ROWS.test(text)) {
        const rows = await db.$queryRawUnsafe<unknown[]>(text, ...values);
        return { rows, rowCount: rows.length };
      }
      return { rows: [], rowCount: await db.$executeRawUnsafe(text, ...values) };
    },
  };
}

import type { createPrismaClient } from '../../db/prisma';
import type { Sql } from './sql';

/** The part of a Prisma client the read side uses; every query is parameterised raw SQL. */
export type Db = Pick<ReturnType<typeof createPrismaClient>, '$queryRawUnsafe'>;

export function query<T>(db: Db, statement: Sql): Promise<T[]> {
  const { text, values } = statement.build();
  return db.$queryRawUnsafe<T[]>(text, ...values);
}

/** Postgres counts come back as bigint; every count the API shows fits a double. */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

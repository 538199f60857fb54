import type { PrismaClient } from '../../db/generated/client';
import { PostgresStore } from '../../idempotency';
import { ownSchemaName } from '../../config/env';
import { prismaQueryable } from './prisma-queryable';

/**
 * The processor library's Postgres store over the dashboard's own
 * action_claims table (IDEMSCOPE_SCHEMA), with no delivery counters: the
 * dashboard's action ids never become rows of a watched table nor
 * deliveries in a duplicate chart. Durable: an action's result must survive
 * a crash, and actions are rare enough not to mind the fsync.
 */
export function actionClaimStore(db: PrismaClient): PostgresStore {
  return new PostgresStore(prismaQueryable(db), {
    prepare: false,
    durableCompletion: true,
    table: `${ownSchemaName()}.action_claims`,
    statsTable: null,
  });
}

import type { Database } from '../../db/prisma';
import { guarded } from './guard';

export interface SessionRow {
  idHash: string;
  role: string;
  label: string;
  expiresAt: Date;
}

/** Expired rows, removed a few at a time on each sign-in so that the table stays small without a job. */
const PRUNE_BATCH = 100;

/** The dashboard's live sessions, one row each in its own schema, keyed by a hash of the session id. */
export const sessionRows = {
  add: guarded(async (db: Database, row: SessionRow, now: Date): Promise<void> => {
    const expired = await db.dashboardSession.findMany({ where: { expiresAt: { lt: now } }, select: { idHash: true }, take: PRUNE_BATCH });
    if (expired.length) await db.dashboardSession.deleteMany({ where: { idHash: { in: expired.map((r) => r.idHash) } } });
    await db.dashboardSession.create({ data: row });
  }),
  expiresAt: guarded(async (db: Database, idHash: string): Promise<Date | null> => {
    const row = await db.dashboardSession.findUnique({ where: { idHash }, select: { expiresAt: true } });
    return row?.expiresAt ?? null;
  }),
  remove: guarded(async (db: Database, idHash: string): Promise<void> => {
    await db.dashboardSession.deleteMany({ where: { idHash } });
  }),
  /** How many rows there were. */
  removeAll: guarded(async (db: Database): Promise<number> => (await db.dashboardSession.deleteMany({})).count),
};

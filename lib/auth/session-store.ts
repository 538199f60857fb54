import { createHash } from 'node:crypto';
import type { Database } from '../db/prisma';
import { guarded } from '../stores/postgres/guard';
import type { Session } from './session';

/**
 * Which signed sessions are still live. A session is live while its row
 * exists: signing out deletes it, so the cookie (and any copy of it) stops
 * working everywhere at once; ending all sessions deletes every row.
 */
export interface SessionStore {
  add(session: Session): Promise<void>;
  isLive(session: Session, nowMs: number): Promise<boolean>;
  end(session: Session): Promise<void>;
  /** Ends every session; how many were live. */
  endAll(): Promise<number>;
}

/** A leaked table alone cannot be turned back into session ids (the cookie's HMAC is needed anyway). */
function idHash(session: Session): string {
  return createHash('sha256').update(`idemscope-session\0${session.nonce}`).digest('base64url');
}

/** Expired rows, removed a few at a time on each sign-in so that the table stays small without a job. */
const PRUNE_BATCH = 100;

export function databaseSessionStore(db: () => Database): SessionStore {
  return {
    add: guarded(async (session) => {
      const database = db();
      const expired = await database.dashboardSession.findMany({ where: { expiresAt: { lt: new Date() } }, select: { idHash: true }, take: PRUNE_BATCH });
      if (expired.length) await database.dashboardSession.deleteMany({ where: { idHash: { in: expired.map((row) => row.idHash) } } });
      await database.dashboardSession.create({
        data: { idHash: idHash(session), role: session.role, label: session.label, expiresAt: new Date(session.expiresAt * 1000) },
      });
    }),
    isLive: guarded(async (session, nowMs) => {
      const row = await db().dashboardSession.findUnique({ where: { idHash: idHash(session) }, select: { expiresAt: true } });
      return row !== null && row.expiresAt.getTime() > nowMs;
    }),
    end: guarded(async (session) => {
      await db().dashboardSession.deleteMany({ where: { idHash: idHash(session) } });
    }),
    endAll: guarded(async () => {
      const live = await db().dashboardSession.deleteMany({});
      return live.count;
    }),
  };
}

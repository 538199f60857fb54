import { createHash } from 'node:crypto';
import type { Database } from '../db/prisma';
import { sessionRows } from '../stores/postgres/session-rows';
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

export function databaseSessionStore(db: () => Database): SessionStore {
  return {
    add: (session) =>
      sessionRows.add(db(), { idHash: idHash(session), role: session.role, label: session.label, expiresAt: new Date(session.expiresAt * 1000) }, new Date()),
    isLive: async (session, nowMs) => {
      const expiresAt = await sessionRows.expiresAt(db(), idHash(session));
      return expiresAt !== null && expiresAt.getTime() > nowMs;
    },
    end: (session) => sessionRows.remove(db(), idHash(session)),
    endAll: () => sessionRows.removeAll(db()),
  };
}

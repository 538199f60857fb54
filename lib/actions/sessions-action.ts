import type { SessionStore } from '../auth/session-store';
import type { Database } from '../db/prisma';
import { type Actor, runAction, type RunOutcome } from './run-action';

export interface EndedSessions {
  actionId: string;
  ended: number;
}

/**
 * Ends every signed-in browser session, the operator's own included: each
 * cookie stops working at once, everywhere. Bearer tokens are not sessions;
 * rotating a token is what ends those. Audited like every action.
 */
export function endAllSessions(db: Database, sessions: SessionStore, actor: Actor, body: { reason?: string; actionId?: string }): Promise<RunOutcome<EndedSessions>> {
  return runAction<EndedSessions>(db, actor, {
    action: 'sessions.end-all',
    actionId: body.actionId,
    reason: body.reason,
    parameters: {},
    async execute(actionId) {
      const ended = await sessions.endAll();
      return { body: { actionId, ended }, result: { ended } };
    },
  });
}

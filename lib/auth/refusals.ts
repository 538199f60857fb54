import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/prisma';
import type { AccessError } from '../errors';
import { clientAddress } from './origin';
import { SlidingWindowLimiter } from './rate-limit';
import type { Principal } from './roles';

/**
 * Refusals one user may add to the audit log per minute. The log is
 * append-only, so a script looping on a refused request must not be able to
 * grow it without bound; refusals past this are counted in the server log.
 */
export const AUDITED_REFUSALS_PER_MINUTE = 10;

/** The audit log's name for the action a request path asks for: `/api/v1/purge/<id>/cancel` → `purge.cancel`. */
export function attemptedAction(pathname: string): string {
  const segments = pathname
    .replace(/^\/api\/v1\//, '')
    .split('/')
    .filter((s) => s !== '' && !/^[0-9a-f-]{36}$/i.test(s));
  return segments.join('.').slice(0, 100) || 'unknown';
}

export interface RefusalRecorder {
  (principal: Principal, request: Request, error: AccessError): Promise<void>;
}

/**
 * Writes a signed-in user's refused action request to the audit log as
 * outcome `refused`. The body is never read: a refused request's content is
 * not trusted, and may be anything. A failed write only reaches the server
 * log, so the refusal itself is always answered.
 */
export function auditRefusals(db: () => Database, limiter = new SlidingWindowLimiter(AUDITED_REFUSALS_PER_MINUTE)): RefusalRecorder {
  return async (principal, request, error) => {
    if (!limiter.take(principal.label).allowed) {
      console.warn(`[audit] refusal of ${principal.label} not audited: over ${AUDITED_REFUSALS_PER_MINUTE} per minute`);
      return;
    }
    try {
      await appendAudit(db(), {
        actor: principal.label,
        role: principal.role,
        action: attemptedAction(new URL(request.url).pathname),
        outcome: 'refused',
        parameters: { method: request.method },
        result: { status: error.status, code: error.code, error: error.message },
        clientAddress: clientAddress(request),
      });
    } catch (failure) {
      console.error(`[audit] could not record a refusal of ${principal.label}: ${failure instanceof Error ? failure.name : 'Error'}`);
    }
  };
}

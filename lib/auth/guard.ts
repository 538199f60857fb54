import { env } from '../config/env';
import { prisma } from '../db/prisma';
import { type Authenticated, requireAuthenticated } from './authenticate';
import { type AuthConfig, authConfigFrom } from './config';
import { checkCsrf } from './csrf';
import { AccessError, ForbiddenError, RateLimitedError, ReadOnlyError } from '../errors';
import { SlidingWindowLimiter } from './rate-limit';
import { auditRefusals, type RefusalRecorder } from './refusals';
import { databaseSessionStore, type SessionStore } from './session-store';
import type { Role } from '../contract/auth';
import { hasRole, type Principal } from './roles';

/** What a guard needs; tests pass their own, routes use the process's. */
export interface GuardDeps {
  config: AuthConfig;
  actionLimiter: SlidingWindowLimiter;
  /** Audits an action request refused after sign-in. */
  recordRefusal: RefusalRecorder;
  sessions: SessionStore;
}

// On globalThis so that dev reloads keep counting instead of resetting the window.
const holder = globalThis as unknown as { idemscopeActionLimiter?: SlidingWindowLimiter; idemscopeRefusals?: RefusalRecorder; idemscopeSessions?: SessionStore };

/** The app's live sessions, in its own database. */
export function appSessions(): SessionStore {
  return (holder.idemscopeSessions ??= databaseSessionStore(prisma));
}

export function defaultGuardDeps(): GuardDeps {
  const config = authConfigFrom(env());
  if (holder.idemscopeActionLimiter?.limit !== config.actionsPerMinute) {
    holder.idemscopeActionLimiter = new SlidingWindowLimiter(config.actionsPerMinute);
  }
  holder.idemscopeRefusals ??= auditRefusals(prisma);
  return { config, actionLimiter: holder.idemscopeActionLimiter, recordRefusal: holder.idemscopeRefusals, sessions: appSessions() };
}

/** A step for the handler wrapper: the request's principal, or a 401/403. Reads only. */
export function requireRole(role: Role, deps?: () => GuardDeps) {
  return async (request: Request): Promise<Principal> => {
    const { config, sessions } = (deps ?? defaultGuardDeps)();
    const { principal } = await requireAuthenticated(request, config, sessions);
    if (!hasRole(principal, role)) throw new ForbiddenError(`This needs the ${role} role; you are signed in as ${principal.role}.`);
    return principal;
  };
}

/**
 * The step every mutation runs first, in this order: 401 not signed in,
 * 403 cross-site, 405 read-only, 403 not an operator, 429 over the per-user rate.
 * Every refusal after sign-in is audited; a 401 has nobody to name.
 */
export function requireOperatorAction(deps?: () => GuardDeps) {
  return async (request: Request): Promise<Principal> => {
    const { config, actionLimiter, recordRefusal, sessions } = (deps ?? defaultGuardDeps)();
    const authenticated: Authenticated = await requireAuthenticated(request, config, sessions);
    const { principal } = authenticated;
    try {
      checkCsrf(request, authenticated, config);
      if (config.readOnly) throw new ReadOnlyError();
      if (!hasRole(principal, 'operator')) {
        throw new ForbiddenError(`Actions need the operator role; you are signed in as ${principal.role}.`, { actor: principal.label });
      }
      const decision = actionLimiter.take(principal.label);
      if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, actionLimiter.limit);
      return principal;
    } catch (error) {
      if (error instanceof AccessError) await recordRefusal(principal, request, error);
      throw error;
    }
  };
}

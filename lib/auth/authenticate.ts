import type { AuthConfig } from './config';
import { readCookie } from './cookies';
import { AuthNotConfiguredError, UnauthenticatedError } from '../errors';
import type { Principal } from './roles';
import { SESSION_COOKIE, type Session, verifySession } from './session';
import type { SessionStore } from './session-store';
import { anyCredentialConfigured, roleForToken, userLabel } from './tokens';

export interface Authenticated {
  principal: Principal;
  /** Present for browser sessions; the CSRF token is bound to it. */
  session?: Session;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Who sent the request, or null. An Authorization header, when present, is
 * the only credential considered: a wrong token is not rescued by a cookie.
 * A session cookie must be validly signed and its session still live in
 * `sessions` (signing out ends it there); a Bearer token needs no lookup.
 */
export async function authenticate(request: Request, config: AuthConfig, sessions: SessionStore, now = Date.now()): Promise<Authenticated | null> {
  if (config.authDisabled) return { principal: { role: 'operator', label: 'anonymous', via: 'auth-disabled' } };
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const token = BEARER.exec(authorization)?.[1];
    const role = token ? roleForToken(token, config) : null;
    return role && token ? { principal: { role, label: userLabel(role, token), via: 'bearer' } } : null;
  }
  const session = verifySession(readCookie(request.headers.get('cookie'), SESSION_COOKIE), config, now);
  if (!session || !(await sessions.isLive(session, now))) return null;
  return { principal: { role: session.role, label: session.label, via: 'session' }, session };
}

/** Like authenticate, but refuses with the error that tells the caller what to do. */
export async function requireAuthenticated(request: Request, config: AuthConfig, sessions: SessionStore): Promise<Authenticated> {
  const found = await authenticate(request, config, sessions);
  if (found) return found;
  if (!anyCredentialConfigured(config)) throw new AuthNotConfiguredError();
  throw new UnauthenticatedError();
}

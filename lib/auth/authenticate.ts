import type { AuthConfig } from './config';
import { readCookie } from './cookies';
import { AuthNotConfiguredError, UnauthenticatedError } from '../errors';
import type { Principal } from './roles';
import { SESSION_COOKIE, type Session, verifySession } from './session';
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
 */
export function authenticate(request: Request, config: AuthConfig): Authenticated | null {
  if (config.authDisabled) return { principal: { role: 'operator', label: 'anonymous', via: 'auth-disabled' } };
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const token = BEARER.exec(authorization)?.[1];
    const role = token ? roleForToken(token, config) : null;
    return role && token ? { principal: { role, label: userLabel(role, token), via: 'bearer' } } : null;
  }
  const session = verifySession(readCookie(request.headers.get('cookie'), SESSION_COOKIE), config);
  return session ? { principal: { role: session.role, label: session.label, via: 'session' }, session } : null;
}

/** Like authenticate, but refuses with the error that tells the caller what to do. */
export function requireAuthenticated(request: Request, config: AuthConfig): Authenticated {
  const found = authenticate(request, config);
  if (found) return found;
  if (!anyCredentialConfigured(config)) throw new AuthNotConfiguredError();
  throw new UnauthenticatedError();
}

import { type AuthConfig } from './config';
import { authenticate } from './authenticate';
import { clearedSessionCookieHeader, readCookie, sessionCookieHeader } from './cookies';
import { checkSignInRequest } from './csrf';
import type { LoginResponse, SessionInfo } from '../contract/auth';
import { AuthNotConfiguredError, InvalidTokenError, RateLimitedError, UnauthenticatedError } from '../errors';
import { addressBucket, clientAddress, isHttps } from './origin';
import { SlidingWindowLimiter } from './rate-limit';
import { csrfTokenFor, issueSession, SESSION_COOKIE, verifySession } from './session';
import type { SessionStore } from './session-store';
import { anyCredentialConfigured, roleForToken } from './tokens';

export interface SignInResult {
  body: LoginResponse;
  setCookie: string | null;
}

// Guessing a 32-byte token is hopeless anyway; the limit keeps failed
// attempts out of the logs' top talkers. Per client address only: the
// address is the socket's (or a trusted proxy's word), so it cannot be
// forged, and a shared ceiling would let one client lock everyone out.
export const SIGN_INS_PER_ADDRESS_PER_MINUTE = 10;
const holder = globalThis as unknown as { idemscopeSignInLimiter?: SlidingWindowLimiter };
const perAddress = (holder.idemscopeSignInLimiter ??= new SlidingWindowLimiter(SIGN_INS_PER_ADDRESS_PER_MINUTE));

/** POST /api/auth/login with `{ token }`: a session cookie for the token's role. */
export async function signIn(request: Request, token: string, config: AuthConfig, sessions: SessionStore): Promise<SignInResult> {
  checkSignInRequest(request, config);
  if (config.authDisabled) return { body: { role: 'operator', readOnly: config.readOnly }, setCookie: null };
  if (!anyCredentialConfigured(config)) throw new AuthNotConfiguredError();
  const decision = perAddress.take(addressBucket(clientAddress(request)));
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, perAddress.limit);
  const role = roleForToken(token, config);
  if (!role) throw new InvalidTokenError();
  const { value, session } = issueSession(role, token, config);
  await sessions.add(session);
  return { body: { role, readOnly: config.readOnly }, setCookie: sessionCookieHeader(value, config.ttlSeconds, isHttps(request, config.publicOrigin)) };
}

/**
 * POST /api/auth/logout: ends the session the cookie names, on the server, so
 * that a copy of the cookie stops working too, and clears the cookie.
 */
export async function signOut(request: Request, config: AuthConfig, sessions: SessionStore): Promise<string> {
  checkSignInRequest(request, config);
  const session = verifySession(readCookie(request.headers.get('cookie'), SESSION_COOKIE), config);
  if (session) await sessions.end(session);
  return clearedSessionCookieHeader(isHttps(request, config.publicOrigin));
}

/** GET /api/auth/session. */
export async function sessionInfo(request: Request, config: AuthConfig, sessions: SessionStore): Promise<SessionInfo> {
  const found = await authenticate(request, config, sessions);
  if (!found) {
    if (!config.authDisabled && !anyCredentialConfigured(config)) throw new AuthNotConfiguredError();
    throw new UnauthenticatedError();
  }
  return {
    role: found.principal.role,
    readOnly: config.readOnly,
    label: found.principal.label,
    authDisabled: config.authDisabled,
    csrfToken: found.session ? csrfTokenFor(found.session, config) : null,
  };
}

import { type AuthConfig } from './config';
import { authenticate } from './authenticate';
import { clearedSessionCookieHeader, sessionCookieHeader } from './cookies';
import { checkSignInRequest } from './csrf';
import type { LoginResponse, SessionInfo } from '../contract/auth';
import { AuthNotConfiguredError, InvalidTokenError, RateLimitedError, UnauthenticatedError } from '../errors';
import { addressBucket, clientAddress, isHttps } from './origin';
import { SlidingWindowLimiter } from './rate-limit';
import { csrfTokenFor, issueSession } from './session';
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
export function signIn(request: Request, token: string, config: AuthConfig): SignInResult {
  checkSignInRequest(request, config);
  if (config.authDisabled) return { body: { role: 'operator', readOnly: config.readOnly }, setCookie: null };
  if (!anyCredentialConfigured(config)) throw new AuthNotConfiguredError();
  const decision = perAddress.take(addressBucket(clientAddress(request)));
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, perAddress.limit);
  const role = roleForToken(token, config);
  if (!role) throw new InvalidTokenError();
  const { value } = issueSession(role, token, config);
  return { body: { role, readOnly: config.readOnly }, setCookie: sessionCookieHeader(value, config.ttlSeconds, isHttps(request, config.publicOrigin)) };
}

/** POST /api/auth/logout: clears the cookie (sessions are stateless; rotating a token ends them all). */
export function signOut(request: Request, config: AuthConfig): string {
  checkSignInRequest(request, config);
  return clearedSessionCookieHeader(isHttps(request, config.publicOrigin));
}

/** GET /api/auth/session. */
export function sessionInfo(request: Request, config: AuthConfig): SessionInfo {
  const found = authenticate(request, config);
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

import 'server-only';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Credentials, tokenForRole, userLabel } from './tokens';
import { ROLES, type Role } from '../contract/auth';

export const SESSION_COOKIE = 'idemscope_session';

export interface SessionConfig extends Credentials {
  sessionSecret?: string;
  ttlSeconds: number;
}

export interface Session {
  role: Role;
  label: string;
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  /** Random per sign-in; the CSRF token is derived from it. */
  nonce: string;
}

interface Payload {
  v: 1;
  r: Role;
  u: string;
  iat: number;
  exp: number;
  n: string;
}

/**
 * The HMAC key. Without IDEMSCOPE_SESSION_SECRET it is derived from the
 * tokens, so rotating a token also ends every session signed before.
 */
function signingKey(config: SessionConfig): Buffer {
  const material = config.sessionSecret ?? `operator\0${config.operatorToken ?? ''}\0viewer\0${config.viewerToken ?? ''}`;
  return Buffer.from(hkdfSync('sha256', material, 'idemscope', 'session-cookie-v1', 32));
}

function mac(config: SessionConfig, purpose: string, data: string): string {
  return createHmac('sha256', signingKey(config)).update(`${purpose}\0${data}`).digest('base64url');
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The cookie value for a fresh sign-in with `token`, which must be the role's configured token. */
export function issueSession(role: Role, token: string, config: SessionConfig, now = Date.now()): { value: string; session: Session } {
  const issuedAt = Math.floor(now / 1000);
  const payload: Payload = { v: 1, r: role, u: userLabel(role, token), iat: issuedAt, exp: issuedAt + config.ttlSeconds, n: randomBytes(16).toString('base64url') };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return {
    value: `${body}.${mac(config, 'session', body)}`,
    session: { role, label: payload.u, issuedAt, expiresAt: payload.exp, nonce: payload.n },
  };
}

/**
 * The session a cookie value proves, or null when it is forged, expired, or
 * was issued for a credential that is no longer configured (revocation by rotation).
 */
export function verifySession(value: string | undefined, config: SessionConfig, now = Date.now()): Session | null {
  if (!value) return null;
  const dot = value.indexOf('.');
  // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty or missing body is never a JSON payload, so the parse below refuses it too; this spares the HMAC
  if (dot <= 0) return null;
  const body = value.slice(0, dot);
  if (!sameString(value.slice(dot + 1), mac(config, 'session', body))) return null;
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
  } catch {
    return null;
  }
  if (payload.v !== 1 || !ROLES.includes(payload.r) || typeof payload.exp !== 'number' || typeof payload.n !== 'string') return null;
  if (payload.exp <= Math.floor(now / 1000)) return null;
  const token = tokenForRole(payload.r, config);
  if (!token || !sameString(payload.u, userLabel(payload.r, token))) return null;
  return { role: payload.r, label: payload.u, issuedAt: payload.iat, expiresAt: payload.exp, nonce: payload.n };
}

/** The anti-CSRF token of a session: browsers without Sec-Fetch-Site send it in X-Idemscope-CSRF. */
export function csrfTokenFor(session: Session, config: SessionConfig): string {
  return mac(config, 'csrf', session.nonce);
}

export function validCsrfToken(presented: string | null, session: Session, config: SessionConfig): boolean {
  return presented !== null && sameString(presented, csrfTokenFor(session, config));
}

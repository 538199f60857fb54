import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../contract/auth';

export interface Credentials {
  operatorToken?: string;
  viewerToken?: string;
}

/** A fresh credential for IDEMSCOPE_OPERATOR_TOKEN / IDEMSCOPE_VIEWER_TOKEN: 32 random bytes, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function anyCredentialConfigured(credentials: Credentials): boolean {
  return Boolean(credentials.operatorToken || credentials.viewerToken);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * The role a presented token grants, or null. Both configured tokens are
 * always compared, over fixed-length digests, so neither the time taken nor
 * an early exit tells a guesser how close it came or which role exists.
 */
export function roleForToken(candidate: string, credentials: Credentials): Role | null {
  const presented = digest(candidate);
  const matches = (configured: string | undefined) =>
    // Stryker disable next-line StringLiteral,ConditionalExpression: each half alone refuses an unset token (no candidate equals "\0unset:" + itself), so mutating either is equivalent
    timingSafeEqual(presented, digest(configured ?? `\0unset:${candidate}`)) && configured !== undefined;
  const operator = matches(credentials.operatorToken);
  const viewer = matches(credentials.viewerToken);
  if (operator) return 'operator';
  if (viewer) return 'viewer';
  return null;
}

export function tokenForRole(role: Role, credentials: Credentials): string | undefined {
  return role === 'operator' ? credentials.operatorToken : credentials.viewerToken;
}

/**
 * `operator#1a2b3c4d`: tells two credentials of a role apart in the audit log
 * (e.g. before and after a rotation) without revealing anything usable; the
 * tokens are high-entropy, so 32 bits of a domain-separated hash cannot be
 * turned back into one.
 */
export function userLabel(role: Role, token: string): string {
  return `${role}#${createHash('sha256').update(`idemscope-user-label\0${token}`).digest('hex').slice(0, 8)}`;
}

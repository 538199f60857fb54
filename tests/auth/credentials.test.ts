import { describe, expect, it } from 'vitest';
import { authenticate } from '../../lib/auth/authenticate';
import type { AuthConfig } from '../../lib/auth/config';
import type { SessionStore } from '../../lib/auth/session-store';
import { SESSION_COOKIE, issueSession, verifySession } from '../../lib/auth/session';
import { generateToken, roleForToken, userLabel } from '../../lib/auth/tokens';

const OPERATOR = 'operator-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';
const config: AuthConfig = {
  operatorToken: OPERATOR,
  viewerToken: VIEWER,
  ttlSeconds: 3600,
  authDisabled: false,
  readOnly: false,
  actionsPerMinute: 30,
};

const request = (headers: Record<string, string>) => new Request('http://localhost:3000/api/v1/overview', { headers });

describe('tokens', () => {
  it('generates distinct URL-safe tokens long enough for the env schema', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('maps each configured token to its role and nothing else', () => {
    expect(roleForToken(OPERATOR, config)).toBe('operator');
    expect(roleForToken(VIEWER, config)).toBe('viewer');
    expect(roleForToken(`${OPERATOR}x`, config)).toBeNull();
    expect(roleForToken('', config)).toBeNull();
    expect(roleForToken(OPERATOR, { viewerToken: VIEWER })).toBeNull();
  });

  it('labels a user without revealing the token', () => {
    const label = userLabel('operator', OPERATOR);
    expect(label).toMatch(/^operator#[0-9a-f]{8}$/);
    expect(label).not.toContain(OPERATOR.slice(-8));
    expect(userLabel('operator', `${OPERATOR}2`)).not.toBe(label);
  });
});

describe('session cookies', () => {
  it('round-trips a signed session', () => {
    const { value } = issueSession('viewer', VIEWER, config);
    expect(verifySession(value, config)).toMatchObject({ role: 'viewer', label: userLabel('viewer', VIEWER) });
    expect(value).not.toContain(VIEWER);
  });

  it('rejects a tampered payload or signature', () => {
    const { value } = issueSession('viewer', VIEWER, config);
    const [body, mac] = value.split('.') as [string, string];
    const promoted = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"viewer"', '"operator"')).toString('base64url');
    expect(verifySession(`${promoted}.${mac}`, config)).toBeNull();
    expect(verifySession(`${body}.${mac.slice(0, -2)}AA`, config)).toBeNull();
    expect(verifySession(body, config)).toBeNull();
    expect(verifySession('', config)).toBeNull();
  });

  it('expires', () => {
    const { value } = issueSession('operator', OPERATOR, config, Date.now() - 3601_000);
    expect(verifySession(value, config)).toBeNull();
  });

  it('ends when the token is rotated, with or without a session secret', () => {
    const { value } = issueSession('operator', OPERATOR, config);
    expect(verifySession(value, { ...config, operatorToken: `${OPERATOR}-rotated` })).toBeNull();
    const withSecret = { ...config, sessionSecret: 's'.repeat(32) };
    const signed = issueSession('operator', OPERATOR, withSecret).value;
    expect(verifySession(signed, withSecret)).not.toBeNull();
    expect(verifySession(signed, { ...withSecret, operatorToken: `${OPERATOR}-rotated` })).toBeNull();
    expect(verifySession(signed, { ...withSecret, sessionSecret: 't'.repeat(32) })).toBeNull();
  });
});

/** Which sessions are live, in memory: the pure rules of authenticate() are tested here, the database store in tests/auth/sessions.test.ts. */
function liveSessions(): SessionStore & { live: Set<string> } {
  const live = new Set<string>();
  return {
    live,
    add: async (session) => void live.add(session.nonce),
    isLive: async (session) => live.has(session.nonce),
    end: async (session) => void live.delete(session.nonce),
    endAll: async () => {
      const n = live.size;
      live.clear();
      return n;
    },
  };
}

describe('authenticate', () => {
  it('accepts a Bearer token and labels the principal', async () => {
    expect((await authenticate(request({ authorization: `Bearer ${OPERATOR}` }), config, liveSessions()))?.principal).toEqual({
      role: 'operator',
      label: userLabel('operator', OPERATOR),
      via: 'bearer',
    });
  });

  it('does not fall back to the cookie when the Authorization header is wrong', async () => {
    const sessions = liveSessions();
    const { value, session } = issueSession('operator', OPERATOR, config);
    await sessions.add(session);
    expect(await authenticate(request({ authorization: 'Bearer nope', cookie: `${SESSION_COOKIE}=${value}` }), config, sessions)).toBeNull();
    expect(await authenticate(request({ authorization: `Basic ${OPERATOR}` }), config, sessions)).toBeNull();
  });

  it('accepts the session cookie among others, while its session is live', async () => {
    const sessions = liveSessions();
    const { value, session } = issueSession('viewer', VIEWER, config);
    const cookie = request({ cookie: `a=1; ${SESSION_COOKIE}=${value}; b=2` });
    expect(await authenticate(cookie, config, sessions)).toBeNull();
    await sessions.add(session);
    const found = await authenticate(cookie, config, sessions);
    expect(found?.principal).toMatchObject({ role: 'viewer', via: 'session' });
    expect(found?.session?.nonce).toBeTruthy();
    await sessions.end(session);
    expect(await authenticate(cookie, config, sessions)).toBeNull();
  });

  it('lets nobody in when no token is configured, and everyone as operator when auth is disabled', async () => {
    const none = { ...config, operatorToken: undefined, viewerToken: undefined };
    expect(await authenticate(request({ authorization: 'Bearer anything-at-all-here' }), none, liveSessions())).toBeNull();
    expect((await authenticate(request({}), { ...none, authDisabled: true }, liveSessions()))?.principal).toMatchObject({ role: 'operator', via: 'auth-disabled' });
  });
});

import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../lib/auth/authenticate';
import type { AuthConfig } from '../../lib/auth/config';
import type { SessionStore } from '../../lib/auth/session-store';
import { SESSION_COOKIE, csrfTokenFor, issueSession, verifySession } from '../../lib/auth/session';
import { anyCredentialConfigured, generateToken, roleForToken, userLabel } from '../../lib/auth/tokens';

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

  it('labels a credential the same in every version, so the audit log tells one user apart across upgrades', () => {
    expect([userLabel('viewer', VIEWER), userLabel('operator', OPERATOR)]).toEqual(['viewer#d53a3749', 'operator#c6366374']);
  });

  it('counts as configured when either token is set, and as unconfigured when neither is (or one is empty)', () => {
    expect(anyCredentialConfigured({ operatorToken: OPERATOR })).toBe(true);
    expect(anyCredentialConfigured({ viewerToken: VIEWER })).toBe(true);
    expect(anyCredentialConfigured({})).toBe(false);
    expect(anyCredentialConfigured({ operatorToken: '' })).toBe(false);
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

  it('lasts its TTL to the second: valid a millisecond before its end, not at it', () => {
    const issuedMs = 1_700_000_000_000;
    const { value } = issueSession('operator', OPERATOR, config, issuedMs);
    expect(verifySession(value, config, issuedMs + 3600_000 - 1)).not.toBeNull();
    expect(verifySession(value, config, issuedMs + 3600_000)).toBeNull();
  });

  it('is none when there is no cookie at all', () => {
    expect(verifySession(undefined, config)).toBeNull();
  });

  it('is called idemscope_session, the name browsers already hold it under', () => {
    expect(SESSION_COOKIE).toBe('idemscope_session');
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

  it('without a session secret, ends every session when either token is rotated, the other role\'s too', () => {
    const viewer = issueSession('viewer', VIEWER, config).value;
    const operator = issueSession('operator', OPERATOR, config).value;
    expect(verifySession(viewer, { ...config, operatorToken: `${OPERATOR}-rotated` })).toBeNull();
    expect(verifySession(operator, { ...config, viewerToken: `${VIEWER}-rotated` })).toBeNull();
    expect(verifySession(viewer, config)).not.toBeNull();
  });
});

/**
 * Cookies and CSRF tokens issued by this version, fixed here: an upgrade that
 * changed how they are signed would sign every user out, and would show here first.
 */
describe('cookies issued before an upgrade', () => {
  const BODY = 'eyJ2IjoxLCJyIjoidmlld2VyIiwidSI6InZpZXdlciNkNTNhMzc0OSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwLCJuIjoiZ29sZGVuLW5vbmNlIn0';
  const AT = 1_700_000_000_000;
  const golden = { role: 'viewer', label: 'viewer#d53a3749', issuedAt: 1_700_000_000, expiresAt: 1_700_003_600, nonce: 'golden-nonce' };

  it('stay valid, signed with a session secret, and so do their CSRF tokens', () => {
    const withSecret = { ...config, sessionSecret: 's'.repeat(32) };
    const session = verifySession(`${BODY}.Wp_g1zyaeKNURuaQbF6dOFn31pC6SR2A4_cKIaRYbDY`, withSecret, AT);
    expect(session).toEqual(golden);
    expect(csrfTokenFor(session!, withSecret)).toBe('iwqRNOkgM1QTS2rj_SNRR2BG_w8qEh2f-2KIl2T9b-E');
  });

  it('stay valid, signed with a key derived from both tokens, or from the viewer token alone', () => {
    expect(verifySession(`${BODY}.KaAXmIBFpKbAwfsTnZRESrO_YMzsFQnJN8j7yeFohaY`, config, AT)).toEqual(golden);
    expect(verifySession(`${BODY}.5rMIF-o2GY4tCDE8Yy6eKPYlmHgbTN2zYJZcpRjaONA`, { ...config, operatorToken: undefined }, AT)).toEqual(golden);
  });
});

describe('a correctly signed cookie', () => {
  const withSecret = { ...config, sessionSecret: 's'.repeat(32) };
  /** Signs any payload as the dashboard would (the format the golden cookies above pin), to show that the signature alone is not enough. */
  function signed(payload: unknown): string {
    const key = Buffer.from(hkdfSync('sha256', withSecret.sessionSecret, 'idemscope', 'session-cookie-v1', 32));
    const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64url');
    return `${body}.${createHmac('sha256', key).update(`session\0${body}`).digest('base64url')}`;
  }
  const good = { v: 1, r: 'viewer', u: userLabel('viewer', VIEWER), iat: 1, exp: 2_000_000_000, n: 'nonce' };
  const now = 1_700_000_000_000;

  it('is a session only with version 1, a known role, a numeric expiry and a nonce', () => {
    expect(verifySession(signed(good), withSecret, now)).toMatchObject({ role: 'viewer', nonce: 'nonce' });
    expect(verifySession(signed({ ...good, v: 2 }), withSecret, now)).toBeNull();
    expect(verifySession(signed({ ...good, r: 'admin' }), withSecret, now)).toBeNull();
    expect(verifySession(signed({ ...good, exp: '2000000000' }), withSecret, now)).toBeNull();
    expect(verifySession(signed({ ...good, n: 7 }), withSecret, now)).toBeNull();
  });

  it('is no session when its body is not JSON', () => {
    expect(verifySession(signed('not json'), withSecret, now)).toBeNull();
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

  it('reads Authorization: Bearer <token> with any blanks between and after, and nothing before or after the token', async () => {
    const role = async (authorization: string) => (await authenticate(request({ authorization }), config, liveSessions()))?.principal.role ?? null;
    expect(await role(`bearer   ${OPERATOR}`)).toBe('operator');
    expect(await role(`Bearer ${VIEWER} `)).toBe('viewer');
    expect(await role(`Basic Bearer ${OPERATOR}`)).toBeNull();
    expect(await role(`Bearer ${OPERATOR} ${OPERATOR}`)).toBeNull();
    expect(await role(`Bearer ${OPERATOR}, x`)).toBeNull();
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
    expect((await authenticate(request({}), { ...none, authDisabled: true }, liveSessions()))?.principal).toEqual({ role: 'operator', label: 'anonymous', via: 'auth-disabled' });
  });
});

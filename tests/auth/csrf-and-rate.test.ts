import { describe, expect, it } from 'vitest';
import type { Authenticated } from '../../lib/auth/authenticate';
import type { AuthConfig } from '../../lib/auth/config';
import { CSRF_HEADER, checkCsrf, checkSignInRequest } from '../../lib/auth/csrf';
import { CrossSiteRequestError } from '../../lib/errors';
import { SlidingWindowLimiter } from '../../lib/auth/rate-limit';
import { csrfTokenFor, issueSession } from '../../lib/auth/session';

const config: AuthConfig = { operatorToken: 'o'.repeat(20), ttlSeconds: 3600, authDisabled: false, readOnly: false, actionsPerMinute: 5 };
const { session } = issueSession('operator', 'o'.repeat(20), config);
const viaSession: Authenticated = { principal: { role: 'operator', label: 'operator#x', via: 'session' }, session };

const post = (headers: Record<string, string>) =>
  new Request('http://localhost:3000/api/v1/keys/release', { method: 'POST', headers: { host: 'localhost:3000', ...headers } });
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CrossSiteRequestError);
    return (error as CrossSiteRequestError).message;
  }
  return null;
};

describe('checkCsrf for cookie sessions', () => {
  const sameOrigin = { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' };

  it('accepts a same-origin browser request', () => {
    expect(refusal(() => checkCsrf(post(sameOrigin), viaSession, config))).toBeNull();
  });

  it('refuses a foreign, null, missing or malformed Origin', () => {
    expect(refusal(() => checkCsrf(post({ ...sameOrigin, origin: 'https://evil.example' }), viaSession, config))).toMatch(/not this dashboard/);
    expect(refusal(() => checkCsrf(post({ ...sameOrigin, origin: 'http://localhost:3001' }), viaSession, config))).toMatch(/not this dashboard/);
    expect(refusal(() => checkCsrf(post({ ...sameOrigin, origin: 'null' }), viaSession, config))).toMatch(/"null"/);
    expect(refusal(() => checkCsrf(post({ 'sec-fetch-site': 'same-origin' }), viaSession, config))).toMatch(/missing/);
    expect(refusal(() => checkCsrf(post({ ...sameOrigin, origin: 'file:///x' }), viaSession, config))).toMatch(/malformed/);
  });

  it('refuses Sec-Fetch-Site other than same-origin even with a token', () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      const headers = { origin: 'http://localhost:3000', 'sec-fetch-site': site, [CSRF_HEADER]: csrfTokenFor(session, config) };
      expect(refusal(() => checkCsrf(post(headers), viaSession, config)), site).toMatch(/Sec-Fetch-Site/);
    }
  });

  it('needs the session token from browsers that send no Sec-Fetch-Site', () => {
    const origin = { origin: 'http://localhost:3000' };
    expect(refusal(() => checkCsrf(post(origin), viaSession, config))).toMatch(/token/);
    expect(refusal(() => checkCsrf(post({ ...origin, [CSRF_HEADER]: 'forged' }), viaSession, config))).toMatch(/token/);
    expect(refusal(() => checkCsrf(post({ ...origin, [CSRF_HEADER]: csrfTokenFor(session, config) }), viaSession, config))).toBeNull();
  });

  it('refuses a CSRF token that differs from the session\'s by one character, or is one character short', () => {
    const token = csrfTokenFor(session, config);
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const origin = { origin: 'http://localhost:3000' };
    expect(refusal(() => checkCsrf(post({ ...origin, [CSRF_HEADER]: flipped }), viaSession, config))).toMatch(/token/);
    expect(refusal(() => checkCsrf(post({ ...origin, [CSRF_HEADER]: token.slice(0, -1) }), viaSession, config))).toMatch(/token/);
    const other = issueSession('operator', 'o'.repeat(20), config).session;
    expect(refusal(() => checkCsrf(post({ ...origin, [CSRF_HEADER]: csrfTokenFor(other, config) }), viaSession, config))).toMatch(/token/);
  });

  it('takes the Origin with its port: the same host on another port or scheme is another site', () => {
    const at = (origin: string) => refusal(() => checkCsrf(post({ origin, 'sec-fetch-site': 'same-origin' }), viaSession, config));
    expect(at('http://localhost:3000')).toBeNull();
    expect(at('https://localhost:3000')).toBeNull();
    expect(at('http://localhost')).toMatch(/not this dashboard/);
    expect(at('http://localhost:80')).toMatch(/not this dashboard/);
    const onDefaultPort = (origin: string) => refusal(() => checkCsrf(new Request('http://dash.test/x', { method: 'POST', headers: { host: 'dash.test', origin, 'sec-fetch-site': 'same-origin' } }), viaSession, config));
    expect(onDefaultPort('http://dash.test')).toBeNull();
    expect(onDefaultPort('http://dash.test:80')).toBeNull();
    expect(onDefaultPort('https://dash.test:443')).toBeNull();
    expect(onDefaultPort('https://dash.test:8443')).toMatch(/not this dashboard/);
  });

  it('names an empty Origin as missing, and refuses an Origin of another scheme, or no URL at all, as malformed', () => {
    expect(refusal(() => checkCsrf(post({ origin: '', 'sec-fetch-site': 'same-origin' }), viaSession, config))).toMatch(/Origin header is missing/);
    expect(refusal(() => checkCsrf(post({ origin: 'ftp://localhost:3000', 'sec-fetch-site': 'same-origin' }), viaSession, config))).toMatch(/malformed/);
    expect(refusal(() => checkCsrf(post({ origin: 'localhost:3000', 'sec-fetch-site': 'same-origin' }), viaSession, config))).toMatch(/malformed/);
    expect(refusal(() => checkCsrf(post({ origin: 'http://', 'sec-fetch-site': 'same-origin' }), viaSession, config))).toMatch(/malformed/);
  });

  it('compares against IDEMSCOPE_PUBLIC_ORIGIN behind a proxy that rewrites Host', () => {
    const behind = { ...config, publicOrigin: 'https://idemscope.example.com' };
    const headers = { origin: 'https://idemscope.example.com', 'sec-fetch-site': 'same-origin', host: '10.0.0.5:3000' };
    expect(refusal(() => checkCsrf(post(headers), viaSession, behind))).toBeNull();
    expect(refusal(() => checkCsrf(post({ ...headers, origin: 'http://10.0.0.5:3000' }), viaSession, behind))).toMatch(/not this/);
  });

  it('applies to everyone when auth is disabled, since there is no credential to protect', () => {
    const anonymous: Authenticated = { principal: { role: 'operator', label: 'anonymous', via: 'auth-disabled' } };
    expect(refusal(() => checkCsrf(post({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), anonymous, config))).not.toBeNull();
    expect(refusal(() => checkCsrf(post({ origin: 'http://localhost:3000' }), anonymous, config))).toMatch(/token/);
  });

  it('lets Bearer requests through, which browsers cannot forge cross-site', () => {
    const bearer: Authenticated = { principal: { role: 'operator', label: 'operator#x', via: 'bearer' } };
    expect(refusal(() => checkCsrf(post({}), bearer, config))).toBeNull();
  });
});

describe('checkSignInRequest', () => {
  const json = { 'content-type': 'application/json' };
  it('takes JSON from the same origin, or from a client that sends no Origin at all', () => {
    expect(refusal(() => checkSignInRequest(post({ ...json, origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' }), config))).toBeNull();
    expect(refusal(() => checkSignInRequest(post({ 'content-type': 'application/json; charset=utf-8' }), config))).toBeNull();
    expect(refusal(() => checkSignInRequest(post({ 'content-type': 'Application/JSON ; charset=utf-8' }), config))).toBeNull();
  });

  it('refuses what a cross-site page could send', () => {
    expect(refusal(() => checkSignInRequest(post({ 'content-type': 'text/plain', origin: 'http://localhost:3000' }), config))).toMatch(/Content-Type/);
    expect(refusal(() => checkSignInRequest(post({ origin: 'http://localhost:3000' }), config))).toMatch(/Content-Type/);
    expect(refusal(() => checkSignInRequest(post({ ...json, origin: 'https://evil.example' }), config))).toMatch(/not this dashboard/);
    expect(refusal(() => checkSignInRequest(post({ ...json, origin: 'null' }), config))).toMatch(/"null"/);
    expect(refusal(() => checkSignInRequest(post({ ...json, 'sec-fetch-site': 'cross-site' }), config))).toMatch(/Sec-Fetch-Site/);
  });
});

describe('SlidingWindowLimiter', () => {
  it('allows `limit` hits per window per key, then says when to retry', () => {
    const limiter = new SlidingWindowLimiter(3, 60_000);
    const t0 = 1_000_000;
    expect([0, 1, 2].map((i) => limiter.take('a', t0 + i * 1000).allowed)).toEqual([true, true, true]);
    expect(limiter.take('a', t0 + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(limiter.take('b', t0 + 10_000).allowed).toBe(true);
    expect(limiter.take('a', t0 + 60_001).allowed).toBe(true);
  });

  it('forgets a hit exactly one window after it', () => {
    const limiter = new SlidingWindowLimiter(1, 60_000);
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 59_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 60_000).allowed).toBe(true);
  });

  it('keeps at most maxKeys keys', () => {
    const limiter = new SlidingWindowLimiter(1, 60_000, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    expect(limiter.take('a', 1).allowed).toBe(true);
    expect(limiter.take('c', 1).allowed).toBe(false);
  });
});

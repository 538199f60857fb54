import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../../lib/auth/config';
import { CSRF_HEADER } from '../../lib/auth/csrf';
import { type GuardDeps, appSessions, defaultGuardDeps, requireOperatorAction, requireRole } from '../../lib/auth/guard';
import { SlidingWindowLimiter } from '../../lib/auth/rate-limit';
import type { Principal } from '../../lib/auth/roles';
import { SESSION_COOKIE, csrfTokenFor, issueSession } from '../../lib/auth/session';
import type { SessionStore } from '../../lib/auth/session-store';
import { userLabel } from '../../lib/auth/tokens';
import {
  AccessError,
  AuthNotConfiguredError,
  CrossSiteRequestError,
  ForbiddenError,
  RateLimitedError,
  ReadOnlyError,
  UnauthenticatedError,
} from '../../lib/errors';

const OPERATOR = 'operator-token-0123456789abcdef';
const VIEWER = 'viewer-token-0123456789abcdef';
const ORIGIN = 'http://dash.test:3000';
const base: AuthConfig = { operatorToken: OPERATOR, viewerToken: VIEWER, ttlSeconds: 3600, authDisabled: false, readOnly: false, actionsPerMinute: 30 };

/**
 * The guard's order of checks is pure logic over its dependencies: the
 * session store only answers whether a signed session is still live (the
 * database store has its own tests), and refusals are collected here.
 */
function deps(config: Partial<AuthConfig> = {}, limit = 30) {
  const refused: { principal: Principal; error: AccessError }[] = [];
  const sessions: SessionStore = { add: async () => {}, isLive: async () => true, end: async () => {}, endAll: async () => 0 };
  const made: GuardDeps = {
    config: { ...base, ...config },
    actionLimiter: new SlidingWindowLimiter(limit),
    recordRefusal: async (principal, _request, error) => {
      refused.push({ principal, error });
    },
    sessions,
  };
  return { get: () => made, refused };
}

const request = (headers: Record<string, string>) => new Request(`${ORIGIN}/api/v1/keys/release`, { method: 'POST', headers: { host: 'dash.test:3000', ...headers } });
const bearer = (token: string) => request({ authorization: `Bearer ${token}` });

function cookieRequest(role: 'operator' | 'viewer', headers: Record<string, string>) {
  const { value, session } = issueSession(role, role === 'operator' ? OPERATOR : VIEWER, base);
  return { request: request({ cookie: `${SESSION_COOKIE}=${value}`, ...headers }), csrf: csrfTokenFor(session, base) };
}

async function outcome(step: (request: Request) => Promise<Principal>, req: Request): Promise<Principal | Error> {
  try {
    return await step(req);
  } catch (error) {
    return error as Error;
  }
}

describe('requireOperatorAction', () => {
  it('lets an operator\'s Bearer request through, as that operator', async () => {
    const d = deps();
    expect(await outcome(requireOperatorAction(d.get), bearer(OPERATOR))).toEqual({ role: 'operator', label: userLabel('operator', OPERATOR), via: 'bearer' });
    expect(d.refused).toEqual([]);
  });

  it('answers 401 to a request that is not signed in, and audits nothing: there is nobody to name', async () => {
    const d = deps();
    expect(await outcome(requireOperatorAction(d.get), request({}))).toBeInstanceOf(UnauthenticatedError);
    expect(await outcome(requireOperatorAction(d.get), bearer(`${OPERATOR}x`))).toBeInstanceOf(UnauthenticatedError);
    expect(d.refused).toEqual([]);
  });

  it('answers that no credential is configured when neither token is set', async () => {
    const d = deps({ operatorToken: undefined, viewerToken: undefined });
    expect(await outcome(requireOperatorAction(d.get), bearer(OPERATOR))).toBeInstanceOf(AuthNotConfiguredError);
  });

  it('refuses a signed-in browser\'s cross-site request with 403 before anything else, and audits it under the user\'s name', async () => {
    const d = deps({ readOnly: true });
    const { request: req } = cookieRequest('viewer', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    const error = await outcome(requireOperatorAction(d.get), req);
    expect(error).toBeInstanceOf(CrossSiteRequestError);
    expect(d.refused.map((r) => [r.principal.label, r.error])).toEqual([[userLabel('viewer', VIEWER), error]]);
  });

  it('accepts a browser\'s request from its own page, with Sec-Fetch-Site or with the session\'s CSRF token', async () => {
    const d = deps();
    expect(await outcome(requireOperatorAction(d.get), cookieRequest('operator', { origin: ORIGIN, 'sec-fetch-site': 'same-origin' }).request)).toMatchObject({ role: 'operator', via: 'session' });
    const { request: old, csrf } = cookieRequest('operator', { origin: ORIGIN });
    const withToken = new Request(old, { headers: { ...Object.fromEntries(old.headers), [CSRF_HEADER]: csrf } });
    expect(await outcome(requireOperatorAction(d.get), withToken)).toMatchObject({ role: 'operator' });
    expect(await outcome(requireOperatorAction(d.get), old)).toBeInstanceOf(CrossSiteRequestError);
  });

  it('answers 405 to an operator when IDEMSCOPE_READ_ONLY is on, and audits it', async () => {
    const d = deps({ readOnly: true });
    const error = await outcome(requireOperatorAction(d.get), bearer(OPERATOR));
    expect(error).toBeInstanceOf(ReadOnlyError);
    expect(d.refused.map((r) => r.error)).toEqual([error]);
  });

  it('answers 405 rather than 403 to a viewer in read-only mode: nobody may act, whatever the role', async () => {
    expect(await outcome(requireOperatorAction(deps({ readOnly: true }).get), bearer(VIEWER))).toBeInstanceOf(ReadOnlyError);
  });

  it('refuses a viewer with 403 naming the role needed and the role held, and audits it', async () => {
    const d = deps();
    const error = await outcome(requireOperatorAction(d.get), bearer(VIEWER));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toBe('Actions need the operator role; you are signed in as viewer.');
    expect((error as ForbiddenError).context).toEqual({ actor: userLabel('viewer', VIEWER) });
    expect(d.refused).toHaveLength(1);
  });

  it('allows each operator the configured actions per minute, then answers 429 with when to retry, and audits it', async () => {
    const d = deps({}, 2);
    const step = requireOperatorAction(d.get);
    expect(await outcome(step, bearer(OPERATOR))).toMatchObject({ role: 'operator' });
    expect(await outcome(step, bearer(OPERATOR))).toMatchObject({ role: 'operator' });
    const error = await outcome(step, bearer(OPERATOR));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).status).toBe(429);
    expect(d.refused.map((r) => r.error)).toEqual([error]);
  });

  it('does not count a viewer\'s refused requests against the rate: the viewer keeps being told about the role', async () => {
    const d = deps({}, 1);
    const step = requireOperatorAction(d.get);
    for (let i = 0; i < 3; i++) expect(await outcome(step, bearer(VIEWER))).toBeInstanceOf(ForbiddenError);
  });

  it('audits refusals only: a failure of the check itself propagates without a refusal record', async () => {
    const d = deps({ publicOrigin: 'not a url' });
    const { request: req } = cookieRequest('operator', { origin: ORIGIN, 'sec-fetch-site': 'same-origin' });
    const error = await outcome(requireOperatorAction(d.get), req);
    expect(error).toBeInstanceOf(TypeError);
    expect(d.refused).toEqual([]);
  });
});

describe('requireRole', () => {
  it('lets a viewer read, and an operator too: the operator role includes the viewer\'s', async () => {
    const d = deps();
    expect(await outcome(requireRole('viewer', d.get), bearer(VIEWER))).toMatchObject({ role: 'viewer' });
    expect(await outcome(requireRole('viewer', d.get), bearer(OPERATOR))).toMatchObject({ role: 'operator' });
    expect(await outcome(requireRole('operator', d.get), bearer(OPERATOR))).toMatchObject({ role: 'operator' });
  });

  it('refuses a viewer where the operator role is needed, saying which role it needs and which it got', async () => {
    const error = await outcome(requireRole('operator', deps().get), bearer(VIEWER));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toBe('This needs the operator role; you are signed in as viewer.');
  });

  it('answers 401 to a request that is not signed in', async () => {
    expect(await outcome(requireRole('viewer', deps().get), request({}))).toBeInstanceOf(UnauthenticatedError);
  });
});

describe('the guard\'s dependencies in the app', () => {
  it('are the configured rate with one limiter, one refusal recorder and one session store for every request, so counts carry over', () => {
    process.env.IDEMSCOPE_ACTION_RATE_LIMIT = '7';
    process.env.IDEMSCOPE_OPERATOR_TOKEN = OPERATOR;
    const first = defaultGuardDeps();
    const second = defaultGuardDeps();
    expect(first.config).toMatchObject({ actionsPerMinute: 7, operatorToken: OPERATOR });
    expect(first.actionLimiter.limit).toBe(7);
    expect(second.actionLimiter).toBe(first.actionLimiter);
    expect(typeof first.recordRefusal).toBe('function');
    expect(second.recordRefusal).toBe(first.recordRefusal);
    expect(first.sessions).toBe(appSessions());
    expect(appSessions()).toBe(appSessions());
    expect(typeof appSessions().isLive).toBe('function');
  });
});

import { NextRequest } from 'next/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { proxy } from '../../proxy';
import { safeNextPath } from '../../lib/auth/public-paths';
import { issueSession } from '../../lib/auth/session';
import { OPERATOR_TOKEN, VIEWER_TOKEN } from './app-env';

beforeAll(() => {
  Object.assign(process.env, { IDEMSCOPE_OPERATOR_TOKEN: OPERATOR_TOKEN, IDEMSCOPE_VIEWER_TOKEN: VIEWER_TOKEN, IDEMSCOPE_AUTH_DISABLED: '0' });
});

const request = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  new NextRequest(`http://dash.test:3000${path}`, { headers, method });
const passes = (response: Response) => response.headers.get('x-middleware-next') === '1';

describe('proxy: sign-in required by default', () => {
  it('sends an unauthenticated page to /login and back', () => {
    const response = proxy(request('/explorer?store=redis&state=stuck'));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location')!);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('next')).toBe('/explorer?store=redis&state=stuck');
    expect(proxy(request('/')).headers.get('location')).toMatch(/\/login\?next=%2F$/);
    expect(proxy(request('/audit')).status).toBe(307);
  });

  it('answers an unauthenticated API call with 401 JSON, mutations included', async () => {
    for (const [path, method] of [
      ['/api/v1/overview', 'GET'],
      ['/api/v1/keys/release', 'POST'],
      ['/api/v1/audit', 'GET'],
    ]) {
      const response = proxy(request(path!, {}, method));
      expect(response.status, path).toBe(401);
      expect((await response.json()).error.code).toBe('unauthenticated');
    }
  });

  it('lets the sign-in page, the sign-in API and the health check through', () => {
    for (const path of ['/login', '/login?next=%2Faudit', '/api/auth/login', '/api/auth/session', '/api/v1/health']) {
      expect(passes(proxy(request(path))), path).toBe(true);
    }
    expect(passes(proxy(request('/login-page-lookalike')))).toBe(false);
    expect(passes(proxy(request('/api/v1/healthz')))).toBe(false);
  });

  it('lets a session cookie or a Bearer token through, and nothing forged', () => {
    const { value } = issueSession('viewer', VIEWER_TOKEN, { operatorToken: OPERATOR_TOKEN, viewerToken: VIEWER_TOKEN, ttlSeconds: 60 });
    expect(passes(proxy(request('/explorer', { cookie: `idemscope_session=${value}` })))).toBe(true);
    expect(passes(proxy(request('/api/v1/overview', { authorization: `Bearer ${OPERATOR_TOKEN}` })))).toBe(true);
    expect(proxy(request('/api/v1/overview', { cookie: `idemscope_session=${value.slice(0, -3)}abc` })).status).toBe(401);
    expect(proxy(request('/api/v1/overview', { authorization: 'Bearer guess-guess-guess-guess' })).status).toBe(401);
  });
});

describe('safeNextPath', () => {
  it('keeps paths on this site and drops anything else', () => {
    expect(safeNextPath('/explorer?store=redis')).toBe('/explorer?store=redis');
    for (const bad of [null, '', 'https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/login?next=/x']) {
      expect(safeNextPath(bad), String(bad)).toBe('/');
    }
  });
});

import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxy } from '../../proxy';
import { appSessions } from '../../lib/auth/guard';
import { safeNextPath } from '../../lib/auth/public-paths';
import { issueSession } from '../../lib/auth/session';
import { disconnectPrisma } from '../../lib/db/prisma';
import type { TestDatabase } from '../helpers/postgres';
import { OPERATOR_TOKEN, VIEWER_TOKEN, useAppEnvironment } from './app-env';

let database: TestDatabase;
beforeAll(async () => {
  ({ database } = await useAppEnvironment('proxy'));
});
afterAll(async () => {
  await disconnectPrisma();
  await database.drop();
});

const request = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  new NextRequest(`http://dash.test:3000${path}`, { headers, method });
const passes = (response: Response) => response.headers.get('x-middleware-next') === '1';

describe('proxy: sign-in required by default', () => {
  it('sends an unauthenticated page to /login and back', async () => {
    const response = (await proxy(request('/explorer?store=redis&state=stuck')));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location')!);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('next')).toBe('/explorer?store=redis&state=stuck');
    expect((await proxy(request('/'))).headers.get('location')).toMatch(/\/login\?next=%2F$/);
    expect((await proxy(request('/audit'))).status).toBe(307);
  });

  it('answers an unauthenticated API call with 401 JSON, mutations included', async () => {
    for (const [path, method] of [
      ['/api/v1/overview', 'GET'],
      ['/api/v1/keys/release', 'POST'],
      ['/api/v1/audit', 'GET'],
    ]) {
      const response = (await proxy(request(path!, {}, method)));
      expect(response.status, path).toBe(401);
      expect((await response.json()).error.code).toBe('unauthenticated');
    }
  });

  it('lets the sign-in page, the sign-in API and the health check through', async () => {
    for (const path of ['/login', '/login?next=%2Faudit', '/api/auth/session', '/api/v1/health']) {
      expect(passes((await proxy(request(path)))), path).toBe(true);
    }
    expect(passes((await proxy(request('/api/auth/login', {}, 'POST'))))).toBe(true);
    expect(passes((await proxy(request('/login-page-lookalike'))))).toBe(false);
    expect(passes((await proxy(request('/api/v1/healthz'))))).toBe(false);
  });

  it('lets a session cookie or a Bearer token through, and nothing forged', async () => {
    const { value, session } = issueSession('viewer', VIEWER_TOKEN, { operatorToken: OPERATOR_TOKEN, viewerToken: VIEWER_TOKEN, ttlSeconds: 60 });
    // Validly signed but never recorded as signed in (or since signed out): not a session.
    expect((await proxy(request('/api/v1/overview', { cookie: `idemscope_session=${value}` }))).status).toBe(401);
    await appSessions().add(session);
    expect(passes((await proxy(request('/explorer', { cookie: `idemscope_session=${value}` }))))).toBe(true);
    await appSessions().end(session);
    expect((await proxy(request('/explorer', { cookie: `idemscope_session=${value}` }))).status).toBe(307);
    expect(passes((await proxy(request('/api/v1/overview', { authorization: `Bearer ${OPERATOR_TOKEN}` }))))).toBe(true);
    expect((await proxy(request('/api/v1/overview', { cookie: `idemscope_session=${value.slice(0, -3)}abc` }))).status).toBe(401);
    expect((await proxy(request('/api/v1/overview', { authorization: 'Bearer guess-guess-guess-guess' }))).status).toBe(401);
  });
});

describe('proxy: what no route serves, and the headers of every answer', () => {
  const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

  it('answers a malformed percent-encoding in any path with a JSON 400, pages included', async () => {
    for (const path of ['/api/v1/keys/idempotency:%ff', '/api/v1/messages/%ff', '/api/v1/purge/%ff', '/api/v1/purge/%ff/cancel', '/explorer/redis/%ff', '/api/v1/keys/a%00b', '/explorer/redis/%E0%A4%A']) {
      const response = (await proxy(request(path, operator, path.endsWith('cancel') ? 'POST' : 'GET')));
      expect(response.status, path).toBe(400);
      expect((await response.json()).error, path).toMatchObject({ code: 'bad_request', parameter: 'path', message: expect.any(String) });
    }
    expect(passes((await proxy(request('/api/v1/keys/idempotency:%E2%9C%93', operator))))).toBe(true);
  });

  it('answers a method a path does not take with a JSON 405 and its Allow header', async () => {
    for (const [path, method, allow] of [
      ['/api/v1/keys', 'PUT', 'GET, HEAD'],
      ['/api/v1/keys', 'DELETE', 'GET, HEAD'],
      ['/api/v1/keys/release', 'PATCH', 'POST'],
      ['/api/v1/keys/some-key', 'POST', 'GET, HEAD'],
      ['/api/v1/purge/6f1c1c9e-3b7e-4d51-9a55-0b9a4c0d2e11/cancel', 'PUT', 'POST'],
      ['/explorer', 'DELETE', 'GET, HEAD'],
      ['/login', 'PUT', 'GET, HEAD'],
    ] as const) {
      const response = (await proxy(request(path, operator, method)));
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect((await response.json()).error.code).toBe('method_not_allowed');
    }
  });

  it('puts the security headers on every answer: pass, redirect, refusal', async () => {
    const answers = [(await proxy(request('/explorer'))), (await proxy(request('/api/v1/overview'))), (await proxy(request('/api/v1/overview', operator))), (await proxy(request('/login'))), (await proxy(request('/api/v1/keys', operator, 'PUT')))];
    for (const response of answers) {
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('gives each page its own script nonce and hands it to Next on the request', async () => {
    const csp = (response: Response) => response.headers.get('content-security-policy')!;
    const [a, b] = [(await proxy(request('/login'))), (await proxy(request('/login')))];
    const nonce = /'nonce-([^']+)'/.exec(csp(a))?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(csp(b)).not.toContain(nonce);
    // NextResponse.next({ request: { headers } }) forwards overridden request headers as x-middleware-request-*.
    expect(a.headers.get('x-middleware-request-content-security-policy')).toBe(csp(a));
    expect(csp((await proxy(request('/api/v1/overview', operator))))).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });
});

describe('safeNextPath', () => {
  it('keeps paths on this site and drops anything else', async () => {
    expect(safeNextPath('/explorer?store=redis')).toBe('/explorer?store=redis');
    // Encoded slashes and spaces are path text, not a host: they stay on this site.
    expect(safeNextPath('/%2F/evil.example')).toBe('/%2F/evil.example');
    expect(safeNextPath('/ /evil.example')).toBe('/ /evil.example');
    const refused = [
      null,
      '',
      'https://evil.example',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/login?next=/x',
      // The reproductions: /login?next=/%09/evil.example/x and %0A; browsers drop the tab or newline and land on //evil.example/x.
      '/\t/evil.example/x',
      '/\n/evil.example/x',
      '/\r/evil.example/x',
      '/\t\t/evil.example',
      '/\u0000/evil.example',
      '/\u007f/evil.example',
      '/x\\..\\\\evil.example',
      '\\\\evil.example',
      '/LOGIN/../login?next=//evil.example',
      `/${'a'.repeat(3000)}`,
    ];
    for (const bad of refused) expect(safeNextPath(bad), JSON.stringify(bad)).toBe('/');
  });
});

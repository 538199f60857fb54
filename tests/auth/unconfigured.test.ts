import { NextRequest } from 'next/server';
import { beforeAll, describe, expect, it } from 'vitest';
import * as login from '../../app/api/auth/login/route';
import * as session from '../../app/api/auth/session/route';
import { proxy } from '../../proxy';
import { post, get } from './app-env';

beforeAll(() => {
  for (const name of ['IDEMSCOPE_OPERATOR_TOKEN', 'IDEMSCOPE_VIEWER_TOKEN', 'IDEMSCOPE_AUTH_DISABLED']) delete process.env[name];
});

describe('no credential configured', () => {
  it('makes sign-in impossible and says which variable to set', async () => {
    const response = await login.POST(post('/api/auth/login', { token: 'anything-at-all-here' }));
    expect(response.status).toBe(503);
    const { error } = await response.json();
    expect(error.code).toBe('auth_not_configured');
    expect(error.message).toContain('IDEMSCOPE_OPERATOR_TOKEN');
    expect((await session.GET(get('/api/auth/session'))).status).toBe(503);
  });

  it('still keeps every API route and page closed', async () => {
    const api = await proxy(new NextRequest('http://dash.test:3000/api/v1/overview'));
    expect(api.status).toBe(503);
    expect((await proxy(new NextRequest('http://dash.test:3000/explorer'))).status).toBe(307);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as login from '../../app/api/auth/login/route';
import { SIGN_INS_PER_ADDRESS_PER_MINUTE } from '../../lib/auth/sign-in';
import { disconnectPrisma } from '../../lib/db/prisma';
import { installNodeRequestGuard, SOCKET_ADDRESS_HEADER, socketAddress } from '../../lib/http/node-guard';
import type { TestDatabase } from '../helpers/postgres';
import { VIEWER_TOKEN, fromSocket, post, sameOrigin, useAppEnvironment } from './app-env';

let database: TestDatabase;
beforeAll(async () => {
  ({ database } = await useAppEnvironment('client_address'));
});
afterAll(async () => {
  await disconnectPrisma();
  await database.drop();
});

describe('the sign-in limit', () => {
  it('cannot be used to lock others out: forged addresses all count against the one socket they come from', async () => {
    const attacker = '198.51.100.66';
    const answers: number[] = [];
    for (let i = 0; i < 100; i++) {
      const forged = { ...fromSocket(attacker), 'x-forwarded-for': `10.${i >> 8}.${i & 255}.1` };
      answers.push((await login.POST(post('/api/auth/login', { token: `wrong-token-${i}-wrong-token` }, { ...sameOrigin, ...forged }))).status);
    }
    expect(answers.slice(0, SIGN_INS_PER_ADDRESS_PER_MINUTE).every((s) => s === 401)).toBe(true);
    expect(answers.slice(SIGN_INS_PER_ADDRESS_PER_MINUTE).every((s) => s === 429)).toBe(true);
    const viewer = await login.POST(post('/api/auth/login', { token: VIEWER_TOKEN }, { ...sameOrigin, ...fromSocket('203.0.113.10') }));
    expect(viewer.status).toBe(200);
  });
});

describe('the guarded Node server', () => {
  let server: http.Server;
  let base: string;
  const seen: { socket: string | null; forwarded: string | undefined }[] = [];

  beforeAll(async () => {
    installNodeRequestGuard({ 'X-Frame-Options': 'DENY' });
    server = http.createServer((request, response) => {
      const headers = new Headers(Object.entries(request.headers).map(([k, v]): [string, string] => [k, String(v)]));
      seen.push({ socket: socketAddress(headers), forwarded: request.headers['x-forwarded-for'] as string | undefined });
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('vouches for the real socket address and overwrites one a client sends', async () => {
    await fetch(`${base}/`, { headers: { [SOCKET_ADDRESS_HEADER]: 'forged 6.6.6.6', 'x-forwarded-for': '6.6.6.6' } });
    expect(seen.at(-1)).toEqual({ socket: '127.0.0.1', forwarded: '6.6.6.6' });
  });

  it('answers TRACE with a JSON 405 before the app sees it (Node itself answers unknown methods with 400)', async () => {
    const before = seen.length;
    for (const method of ['TRACE']) {
      const answer = await rawRequest(base, method);
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD, POST');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(JSON.parse(answer.body).error).toMatchObject({ code: 'method_not_allowed', message: expect.stringContaining(method) });
    }
    expect(seen.length).toBe(before);
  });
});

/** fetch() refuses TRACE itself, so these go through node:http. */
function rawRequest(base: string, method: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}/api/v1/keys`, { method }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as login from '../../app/api/auth/login/route';
import * as logout from '../../app/api/auth/logout/route';
import * as session from '../../app/api/auth/session/route';
import * as audit from '../../app/api/v1/audit/route';
import * as endAll from '../../app/api/v1/sessions/end-all/route';
import { disconnectPrisma, prisma } from '../../lib/db/prisma';
import { disconnectRedis } from '../../lib/stores/redis/connection';
import type { TestDatabase } from '../helpers/postgres';
import { OPERATOR_TOKEN, VIEWER_TOKEN, bearer, fromSocket, get, post, sameOrigin, useAppEnvironment } from './app-env';

let database: TestDatabase;
beforeAll(async () => {
  ({ database } = await useAppEnvironment('sessions'));
});
afterAll(async () => {
  await disconnectRedis();
  await disconnectPrisma();
  await database.drop();
});

async function signIn(token: string): Promise<string> {
  const response = await login.POST(post('/api/auth/login', { token }, { ...sameOrigin, ...fromSocket('203.0.113.20') }));
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const sessionStatus = async (cookie: string) => (await session.GET(get('/api/auth/session', { cookie }))).status;

describe('server-side sessions', () => {
  it('ends a session everywhere on sign-out: a copied cookie stops working too', async () => {
    const cookie = await signIn(VIEWER_TOKEN);
    const copy = `${cookie}`;
    expect(await sessionStatus(copy)).toBe(200);
    const out = await logout.POST(post('/api/auth/logout', {}, { ...sameOrigin, cookie }));
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(await sessionStatus(copy)).toBe(401);
    expect((await audit.GET(get('/api/v1/audit', { cookie: copy }))).status).toBe(401);
  });

  it('keeps other sessions of the same user alive when one signs out', async () => {
    const [a, b] = [await signIn(OPERATOR_TOKEN), await signIn(OPERATOR_TOKEN)];
    await logout.POST(post('/api/auth/logout', {}, { ...sameOrigin, cookie: a }));
    expect(await sessionStatus(a)).toBe(401);
    expect(await sessionStatus(b)).toBe(200);
  });

  it('lets an operator end every session, audited; a viewer may not', async () => {
    const viewer = await signIn(VIEWER_TOKEN);
    const operator = await signIn(OPERATOR_TOKEN);
    const refused = await endAll.POST(post('/api/v1/sessions/end-all', {}, bearer(VIEWER_TOKEN)));
    expect(refused.status).toBe(403);
    expect(await sessionStatus(viewer)).toBe(200);

    const live = await prisma().dashboardSession.count();
    const ended = await endAll.POST(post('/api/v1/sessions/end-all', { reason: 'laptop lost' }, { ...sameOrigin, cookie: operator }));
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ ended: live });
    expect(await sessionStatus(viewer)).toBe(401);
    expect(await sessionStatus(operator)).toBe(401);
    expect(await prisma().dashboardSession.count()).toBe(0);

    const entries = await (await audit.GET(get('/api/v1/audit?action=sessions.end-all', bearer(VIEWER_TOKEN)))).json();
    expect(entries.items.map((e: { outcome: string }) => e.outcome)).toEqual(['ok', 'intent', 'refused']); // the viewer's attempt too
    expect(entries.items[0]).toMatchObject({ reason: 'laptop lost', result: { ended: live } });
    // Bearer tokens are credentials, not sessions: they keep working until rotated.
    expect((await audit.GET(get('/api/v1/audit', bearer(VIEWER_TOKEN)))).status).toBe(200);
  });

  it('stores only a hash of each session id', async () => {
    const cookie = await signIn(VIEWER_TOKEN);
    const payload = JSON.parse(Buffer.from(cookie.split('=')[1]!.split('.')[0]!, 'base64url').toString('utf8')) as { n: string };
    const rows = await prisma().dashboardSession.findMany();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.idHash.includes(payload.n))).toBe(false);
  });
});

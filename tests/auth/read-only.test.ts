import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as session from '../../app/api/auth/session/route';
import * as audit from '../../app/api/v1/audit/route';
import * as keysRelease from '../../app/api/v1/keys/release/route';
import * as purge from '../../app/api/v1/purge/route';
import { disconnectPrisma } from '../../lib/db/prisma';
import { disconnectRedis } from '../../lib/stores/redis/connection';
import type { TestDatabase } from '../helpers/postgres';
import { OPERATOR_TOKEN, bearer, get, post, useAppEnvironment } from './app-env';

let database: TestDatabase;
let prefix: string;
beforeAll(async () => {
  ({ database, prefix } = await useAppEnvironment('read_only', { IDEMSCOPE_READ_ONLY: '1' }));
});
afterAll(async () => {
  await disconnectRedis();
  await disconnectPrisma();
  await database.drop();
});

describe('IDEMSCOPE_READ_ONLY=1', () => {
  it('turns every action off with 405, even for an operator and a dry run', async () => {
    for (const [handler, path, body] of [
      [keysRelease.POST, '/api/v1/keys/release', { keys: [`${prefix}idempotency:a`], dryRun: true }],
      [purge.POST, '/api/v1/purge', { store: 'postgres', dryRun: true }],
    ] as const) {
      const response = await handler(post(path, body, bearer(OPERATOR_TOKEN)));
      expect(response.status, path).toBe(405);
      expect((await response.json()).error.code).toBe('read_only');
    }
  });

  it('tells the UI, which then hides the actions, and keeps reads working', async () => {
    expect(await (await session.GET(get('/api/auth/session', bearer(OPERATOR_TOKEN)))).json()).toMatchObject({ role: 'operator', readOnly: true });
    expect((await audit.GET(get('/api/v1/audit', bearer(OPERATOR_TOKEN)))).status).toBe(200);
  });
});

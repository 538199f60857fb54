import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type APIRequestContext, expect, test as setup } from '@playwright/test';
import { setupLibraryTables } from '../lib/db/library-setup';
import { migrate } from '../lib/db/migrate';
import {
  AUTH_FILES,
  E2E_DATABASE_URL,
  OPERATOR_TOKEN,
  VIEWER_TOKEN,
} from './config';
import { EXPECTED } from './fixtures/dataset';
import { clearRedis, connectE2eRedis, seedPostgres, seedRedis } from './fixtures/seed';

setup.describe.configure({ mode: 'serial' });

setup('migrate and seed the e2e stores', async () => {
  await migrate(E2E_DATABASE_URL);
  await setupLibraryTables(E2E_DATABASE_URL);
  const now = Date.now();
  const redis = await connectE2eRedis();
  try {
    await clearRedis(redis);
    await seedRedis(redis, now);
  } finally {
    redis.destroy();
  }
  await seedPostgres(E2E_DATABASE_URL, now);
});

async function signIn(request: APIRequestContext, token: string, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const response = await request.post('/api/auth/login', { data: { token } });
  expect(response.status(), `sign-in for ${path.basename(file, '.json')} answered ${response.status()}`).toBe(200);
  await request.storageState({ path: file });
}

setup('sign in as operator and viewer', async ({ playwright, baseURL }) => {
  for (const [role, token] of [
    ['operator', OPERATOR_TOKEN],
    ['viewer', VIEWER_TOKEN],
  ] as const) {
    const request = await playwright.request.newContext({ baseURL });
    try {
      await signIn(request, token, AUTH_FILES[role]);
    } finally {
      await request.dispose();
    }
  }
});

setup('the server sees the seeded keyspace', async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL, storageState: AUTH_FILES.viewer });
  try {
    // ?fresh=1 asks for a new scanner pass instead of waiting for the next scheduled one.
    await expect
      .poll(
        async () => {
          const response = await request.get('/api/v1/overview?fresh=1');
          return response.ok() ? ((await response.json()) as { redis: { keys: number | null } }).redis.keys : null;
        },
        { timeout: 30_000, message: 'the overview never counted the seeded keys' },
      )
      .toBe(EXPECTED.redis.keys);
  } finally {
    await request.dispose();
  }
});

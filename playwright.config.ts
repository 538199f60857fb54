import { defineConfig, devices } from '@playwright/test';
import { AUTH_FILES, E2E_BASE_URL, E2E_PORT, E2E_SERVER_ENV } from './e2e/config';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
  ],
};

/**
 * Three stages over one server and one seeded dataset: `setup` seeds and signs
 * in; `chromium` runs the specs that only read (they check seeded numbers
 * exactly); `actions` runs last because releasing and purging change those numbers.
 */
export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  // Two cores run the server and the browsers: more workers only add contention.
  workers: 2,
  timeout: 45_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: E2E_BASE_URL,
    launchOptions: CHROMIUM,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'setup', testMatch: /global\.setup\.ts/ },
    {
      name: 'chromium',
      testIgnore: /actions\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], launchOptions: CHROMIUM, storageState: AUTH_FILES.viewer },
      dependencies: ['setup'],
    },
    {
      name: 'actions',
      testMatch: /actions\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], launchOptions: CHROMIUM, storageState: AUTH_FILES.operator },
      dependencies: ['chromium'],
    },
  ],
  webServer: {
    command: `npx next build && npx next start -p ${E2E_PORT}`,
    url: `${E2E_BASE_URL}/api/v1/health`,
    env: E2E_SERVER_ENV,
    timeout: 600_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});

import { expect, test } from '@playwright/test';
import { ACTIONS, EXPLORER } from './fixtures/dataset';

const recordPage = (store: 'redis' | 'postgres', id: string) => `/explorer/${store}/${encodeURIComponent(id)}`;

// This project's default storage state is the viewer's session.
test.describe('a viewer', () => {
  test('sees every action disabled, with "needs operator role", and nothing that would act', async ({ page }) => {
    await page.goto(recordPage('redis', EXPLORER.stuckKey));
    await expect(page.getByText(EXPLORER.stuckKey, { exact: true }).first()).toBeVisible();
    const release = page.getByRole('button', { name: /^Release/ });
    await expect(release).toHaveCount(1);
    await expect(release).toBeDisabled();
    await expect(release).toHaveAccessibleDescription('needs operator role');
    await expect(page.getByText('needs operator role', { exact: true })).toBeVisible();

    await page.goto('/explorer?state=stuck');
    await expect(page.getByTestId('records-table').getByRole('link', { name: EXPLORER.stuckKey })).toBeVisible();
    const actions = page.getByRole('button', { name: /Release|Purge|Count expired|Find keys|Preview/ });
    await expect(actions.first()).toBeVisible();
    for (const button of await actions.all()) await expect(button).toBeDisabled();
    await expect(page.getByRole('region', { name: 'Release stuck records' }).getByText('needs operator role')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Purge expired records' }).getByText('needs operator role')).toBeVisible();

    await page.goto(recordPage('postgres', ACTIONS.stuckMessageId));
    await expect(page.getByText(ACTIONS.stuckMessageId, { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('button', { name: /^Release/ })).toBeDisabled();
  });

  test('reads the audit log but cannot act through the API either', async ({ page }) => {
    await page.goto('/audit');
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Export CSV' })).toBeVisible();

    const status = await page.evaluate(async (key) => {
      const response = await fetch('/api/v1/keys/release', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ keys: [key], dryRun: true }),
      });
      return response.status;
    }, EXPLORER.stuckKey);
    expect(status).toBe(403);
  });
});

test('audit filters live in the URL, so a filtered log can be shared', async ({ page }) => {
  await page.goto('/audit?outcome=refused');
  await expect(page.getByLabel('Outcome')).toHaveValue('refused');
  await page.getByLabel('Action').selectOption('keys.release');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/\/audit\?action=keys\.release&outcome=refused$/);
  await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', /action=keys\.release.*outcome=refused/);
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('every page sends you to sign in, and a wrong token is refused visibly', async ({ page }) => {
    await page.goto('/audit');
    await expect(page).toHaveURL(/\/login\?next=%2Faudit$/);
    await page.getByLabel('Access token').fill('not-the-right-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: /access token/ })).toHaveText('That access token is not valid.');
    await expect(page).toHaveURL(/\/login/);
  });

  test('the API answers 401', async ({ request }) => {
    const response = await request.get('/api/v1/overview');
    expect(response.status()).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });
});

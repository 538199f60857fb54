import { expect, test } from '@playwright/test';
import { OPERATOR_TOKEN } from './config';
import { ACTIONS } from './fixtures/dataset';
import { connectE2eRedis } from './fixtures/seed';

const recordPage = (store: 'redis' | 'postgres', id: string) => `/explorer/${store}/${encodeURIComponent(id)}`;

test.describe('operator actions', () => {
  test.describe.configure({ mode: 'serial' });
  // Starts signed out: the operator signs in through the form like a person would.
  test.use({ storageState: { cookies: [], origins: [] } });

  test('an operator signs in, previews a release, confirms, and finds the key gone and the audit entry', async ({ page }) => {
    const key = ACTIONS.stuckKeys[0];
    // The audit log outlives runs (it is append-only), so this run's entry is told apart by its reason.
    const reason = `e2e: worker died mid-order (run ${Date.now()})`;
    await page.goto(recordPage('redis', key));
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('Access token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/explorer\/redis\//);

    await page.getByRole('button', { name: `Release ${key}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Release record' });
    const preview = dialog.getByTestId('preview-table');
    await expect(preview.getByText(key, { exact: true })).toBeVisible();
    await expect(preview.getByText('stuck', { exact: true })).toBeVisible();
    await expect(preview.getByText('idemscope', { exact: true })).toBeVisible();

    await dialog.getByLabel(/Reason/).fill(reason);
    await dialog.getByRole('button', { name: 'Confirm release' }).click();
    await expect(dialog.getByTestId('release-result')).toContainText('Released 1');
    await dialog.getByRole('button', { name: 'Close' }).click();

    const redis = await connectE2eRedis();
    try {
      expect(await redis.exists(key)).toBe(0);
    } finally {
      redis.destroy();
    }

    await page.goto('/audit');
    // Two entries: the intent, written before the release ran, and its outcome.
    const entries = page.getByTestId('audit-table').getByRole('row').filter({ hasText: 'keys.release' }).filter({ hasText: reason });
    await expect(entries).toHaveCount(2);
    await expect(entries.filter({ hasText: 'intent' })).toHaveCount(1);
    const entry = entries.filter({ hasText: 'released: 1' });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText(/operator#[0-9a-f]{8}/);
    await expect(entry).toContainText('released: 1');
    await entry.getByText('1 target').click();
    await expect(entry.getByText(key, { exact: true })).toBeVisible();
  });

  test('a stuck Postgres row is released the same way', async ({ page }) => {
    const id = ACTIONS.stuckMessageId;
    const reason = `e2e: consumer lost its lease (run ${Date.now()})`;
    await page.goto('/login');
    await page.getByLabel('Access token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).not.toHaveURL(/\/login/);

    await page.goto(recordPage('postgres', id));
    await page.getByRole('button', { name: `Release ${id}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Release record' });
    await expect(dialog.getByTestId('preview-table').getByText(id, { exact: true })).toBeVisible();
    await dialog.getByLabel(/Reason/).fill(reason);
    await dialog.getByRole('button', { name: 'Confirm release' }).click();
    await expect(dialog.getByTestId('release-result')).toContainText('Released 1');

    const answer = await page.request.get(`/api/v1/audit?action=messages.release`);
    const { items } = (await answer.json()) as { items: { reason: string; outcome: string; targets: string[]; result: { released: number } }[] };
    expect(items.filter((e) => e.reason === reason)).toMatchObject([
      { outcome: 'ok', targets: [id], result: { released: 1 } },
      { outcome: 'intent', targets: [id] },
    ]);
  });

  test('the bulk panel releases every record stuck longer than a threshold, with a reason', async ({ page }) => {
    const key = ACTIONS.stuckKeys[1];
    const reason = `e2e: consumers redeployed, release the backlog (run ${Date.now()})`;
    await page.goto('/login');
    await page.getByLabel('Access token').fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).not.toHaveURL(/\/login/);

    await page.goto('/explorer');
    const panel = page.getByRole('region', { name: 'Release stuck records' });
    await panel.getByLabel(/^Stuck for at least \(minutes/).fill('120');
    await panel.getByRole('button', { name: 'Preview' }).click();
    const preview = panel.getByTestId('bulk-release-preview');
    await expect(preview.getByText(key, { exact: true })).toBeVisible();
    const confirm = panel.getByRole('button', { name: /^Release \d+ records?$/ });
    await expect(confirm).toBeDisabled();
    const count = Number(/\d+/.exec((await confirm.textContent()) ?? '')?.[0]);
    await panel.getByLabel(/Reason/).fill(reason);
    await confirm.click();
    await expect(panel.getByTestId('release-result')).toContainText(`Released ${count}`);

    const redis = await connectE2eRedis();
    try {
      expect(await redis.exists(key)).toBe(0);
    } finally {
      redis.destroy();
    }
  });
});

test.describe('purge', () => {
  test('an operator counts expired rows, purges them as a job and watches it finish', async ({ page }) => {
    const reason = `e2e: retention purge (run ${Date.now()})`;
    await page.goto('/explorer?store=postgres');
    const panel = page.getByRole('region', { name: 'Purge expired records' });
    await panel.getByRole('button', { name: 'Count expired rows' }).click();
    await expect(panel.getByTestId('purge-preview')).toContainText(/rows are past their expiry/);
    await panel.getByLabel(/Reason/).fill(reason);
    await panel.getByRole('button', { name: 'Start purge' }).click();
    await expect(panel.getByTestId('purge-job-status')).toHaveText('Completed');
    await expect(panel.getByRole('progressbar', { name: 'Purge progress' })).toHaveAttribute('aria-valuenow', '100');

    const { items } = (await (await page.request.get('/api/v1/audit?action=purge.postgres')).json()) as { items: { reason: string; outcome: string }[] };
    expect(items.filter((e) => e.reason === reason)).toMatchObject([{ outcome: 'started' }, { outcome: 'intent' }]);
  });

  test('an operator gives Redis keys without a TTL the retention as TTL', async ({ page }) => {
    const key = 'e2e:idempotency:plain:order-1004';
    const reason = `e2e: legacy writer forgot EX (run ${Date.now()})`;
    await page.goto('/explorer');
    const panel = page.getByRole('region', { name: 'Purge expired records' });
    await panel.getByRole('button', { name: 'Redis keys without TTL' }).click();
    await panel.getByRole('button', { name: 'Find keys without expiry' }).click();
    await expect(panel.getByTestId('redis-purge-preview').getByText(key, { exact: true })).toBeVisible();
    await expect(panel.getByRole('button', { name: /^Apply TTL \(\d+ h\)$/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(panel.getByTestId('selected-count')).toHaveText(/^(\d+) of \1 selected$/);
    await panel.getByLabel(/Reason/).fill(reason);

    // Deleting asks for the word "delete" first; it is only looked at here, never run.
    await panel.getByRole('button', { name: 'Delete', exact: true }).click();
    const remove = panel.getByRole('button', { name: /^Delete \d+$/ });
    await expect(remove).toBeDisabled();
    await panel.getByLabel(/^Type delete to confirm/).fill('delete');
    await expect(remove).toBeEnabled();
    await panel.getByRole('button', { name: /^Apply TTL \(\d+ h\)$/ }).click();
    await panel.getByRole('button', { name: /^Apply TTL to \d+$/ }).click();
    await expect(panel.getByTestId('redis-purge-result')).toContainText(/TTL applied to [1-9]\d*/);

    const redis = await connectE2eRedis();
    try {
      expect(await redis.ttl(key)).toBeGreaterThan(0);
    } finally {
      redis.destroy();
    }
  });
});

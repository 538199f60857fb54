import { expect, test } from '@playwright/test';
import { EXPLORER } from './fixtures/dataset';

test.describe('explorer', () => {
  test('an exact lookup finds a key and shows its masked value', async ({ page }) => {
    await page.goto('/explorer');
    await page.getByLabel('Key or message id').fill(EXPLORER.completedKey);
    await page.getByRole('button', { name: 'Look up' }).click();

    await expect(page).toHaveURL(/[?&]q=/);
    const detail = page.getByTestId('key-detail');
    await expect(detail.getByText(EXPLORER.completedKey, { exact: true })).toBeVisible();
    await expect(detail.getByText('completed', { exact: true })).toBeVisible();
    await expect(detail.getByText('explorer-demo', { exact: true })).toBeVisible();
    await expect(detail.getByTestId('record-value')).toContainText('"orderId": 42');
    await expect(page.locator('body')).not.toContainText(EXPLORER.secret);
  });

  test('a lookup finds a Postgres message by id', async ({ page }) => {
    await page.goto(`/explorer?q=${EXPLORER.messageId}`);
    const detail = page.getByTestId('message-detail');
    await expect(detail.getByText(EXPLORER.messageId, { exact: true })).toBeVisible();
    await expect(detail.getByTestId('record-value')).toContainText('"invoice": 9');
    await expect(page.locator('body')).not.toContainText(EXPLORER.secret);
  });

  test('a lookup that matches nothing says so', async ({ page }) => {
    await page.goto(`/explorer?q=${encodeURIComponent(EXPLORER.missingKey)}`);
    await expect(page.getByText(/No Redis key and no message id equals/)).toBeVisible();
  });

  test('the state filter narrows the list and lives in the URL', async ({ page }) => {
    await page.goto('/explorer');
    const table = page.getByTestId('records-table');
    await expect(table.getByRole('link', { name: EXPLORER.completedKey })).toBeVisible();

    await page.getByLabel('State').selectOption('stuck');
    await expect(page).toHaveURL(/[?&]state=stuck/);
    await expect(table.getByRole('link', { name: EXPLORER.stuckKey })).toBeVisible();
    await expect(table.getByRole('link', { name: EXPLORER.completedKey })).toHaveCount(0);
    const states = await table.getByTestId('row-state').allTextContents();
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).toEqual(new Set(['stuck']));
    // No pattern is declared =idemscope here, so the stuck keys were found by a scan, and the list says so and when.
    await expect(page.getByTestId('list-source')).toContainText(/^Scanned ~[\d,]+ keys · read \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);

    await page.reload();
    await expect(page.getByLabel('State')).toHaveValue('stuck');
    await expect(table.getByRole('link', { name: EXPLORER.stuckKey })).toBeVisible();
  });

  test('the pattern filter lists the keys of one configured pattern', async ({ page }) => {
    await page.goto('/explorer');
    await page.getByLabel('Key pattern').selectOption('e2e:pt:*=powertools');
    await expect(page).toHaveURL(/[?&]pattern=e2e%3Apt%3A\*/);
    const table = page.getByTestId('records-table');
    await expect(table.getByRole('link', { name: 'e2e:pt:handler#done1' })).toBeVisible();
    await expect(table.getByRole('link', { name: EXPLORER.completedKey })).toHaveCount(0);
  });

  test('the store filter switches to Postgres rows', async ({ page }) => {
    await page.goto('/explorer?store=postgres&state=completed');
    const table = page.getByTestId('records-table');
    await expect(table.getByRole('link', { name: EXPLORER.messageId })).toBeVisible();
    const states = await table.getByTestId('row-state').allTextContents();
    expect(new Set(states)).toEqual(new Set(['completed']));
    await expect(page.getByTestId('list-source')).toHaveCount(0);
  });

  test('a record page is deep-linkable', async ({ page }) => {
    await page.goto(`/explorer/redis/${encodeURIComponent(EXPLORER.stuckKey)}`);
    const detail = page.getByTestId('key-detail');
    await expect(detail.getByText('owner-stuck-7', { exact: true })).toBeVisible();
    await expect(detail.getByText('stuck', { exact: true })).toBeVisible();
  });
});

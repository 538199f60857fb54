import { expect, test } from '@playwright/test';
import { EXPECTED } from './fixtures/dataset';

test.describe('searching the Explorer by key', () => {
  test('Redis keys by substring and by prefix, in the URL, with how much of the keyspace was searched', async ({ page }) => {
    await page.goto('/explorer');
    const search = page.getByRole('search', { name: 'Search keys' });
    await search.getByLabel('Text').fill('orders:done');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\/explorer\?store=redis&search=orders%3Adone$/);
    const table = page.getByTestId('records-table');
    await expect(table.getByRole('link', { name: 'e2e:idempotency:orders:done-1' })).toBeVisible();
    await expect(page.getByTestId('row-state')).toHaveCount(2);
    // The list ended: the whole database was searched, and DBSIZE is the whole of it.
    await expect(page.getByTestId('list-coverage')).toContainText(/searched ([\d,]+) of \1 keys in the database · end of list/);

    await search.getByLabel('Key').selectOption('prefix');
    await search.getByLabel('Text').fill('e2e:idempotency:plain:');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/match=prefix/);
    await expect(page.getByTestId('row-state')).toHaveCount(4);

    // Glob characters are the text itself, never a wildcard.
    await search.getByLabel('Text').fill('e2e:idempotency:*');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByText('No key matches these filters.')).toBeVisible();
  });

  test('Postgres rows by message id prefix, the search counted against the table', async ({ page }) => {
    await page.goto('/explorer?store=postgres&search=00000000-0000-4000-8000-00000000000&match=prefix');
    await expect(page.getByTestId('records-table')).toBeVisible();
    const rows = await page.getByTestId('row-state').count();
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThanOrEqual(EXPECTED.postgres.rows);
    await expect(page.getByTestId('list-coverage')).toContainText(`of ${EXPECTED.postgres.rows}`);
    await page.goto('/explorer?store=postgres&search=00000000-0000-4000-8000-000000000004&match=prefix');
    await expect(page.getByTestId('row-state')).toHaveCount(1);
  });
});

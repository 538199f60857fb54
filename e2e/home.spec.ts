import { expect, test } from '@playwright/test';

test('the home page loads and shows both stores reachable', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const redis = page.getByTestId('store-redis');
  const postgres = page.getByTestId('store-postgres');
  await expect(redis.getByText('Reachable', { exact: true })).toBeVisible();
  await expect(postgres.getByText('Reachable', { exact: true })).toBeVisible();
  await expect(redis.getByText(/\d+(\.\d+)? ms/)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' })).toHaveAttribute(
    'aria-current',
    'page',
  );
});
